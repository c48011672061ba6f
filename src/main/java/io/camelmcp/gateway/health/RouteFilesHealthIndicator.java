package io.camelmcp.gateway.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import io.camelmcp.gateway.routes.RouteFiles;

/**
 * Readiness from the routes directory: DOWN while a route file there is not in force (it failed to load or start and
 * the previous version of its routes serves), with the file, its routes and the error; UP otherwise. Without a routes
 * directory the bundled routes are all there is: UP.
 */
public class RouteFilesHealthIndicator extends AbstractHealthIndicator {

    private final RouteFiles files;

    /** @param files null when no routes directory is set */
    public RouteFilesHealthIndicator(RouteFiles files) {
        super("Route files health check failed");
        this.files = files;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (files == null) {
            builder.up().withDetail("source", "bundled");
            return;
        }
        Map<String, RouteFiles.Failure> failures = files.failures();
        builder.status(failures.isEmpty() ? "UP" : "DOWN")
                .withDetail("directory", files.directory().toString())
                .withDetail("inForce", files.versionsInForce())
                .withDetail("routes", files.routesByFile());
        if (!failures.isEmpty()) {
            Map<String, Object> failed = new LinkedHashMap<>();
            failures.forEach((name, f) -> failed.put(name, Map.of("routes", f.routes(), "error", f.error())));
            builder.withDetail("failed", failed);
        }
    }
}
