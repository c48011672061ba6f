package io.camelmcp.gateway.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Which route files Camel loads when a routes directory is set: every bundled file (the entries of
 * {@code camel.main.routes-include-pattern} on the classpath) that the directory has no file of the same name for,
 * and every {@code *.yaml} of the directory. A file of the directory replaces the bundled one of its name instead
 * of being loaded beside it, which would define its route ids twice.
 *
 * @param bundled        bundled files by name, as resource locations
 * @param includePattern the pattern Camel loads at start-up
 * @param overridden     names of bundled files the directory replaces
 */
public record RouteSources(Map<String, String> bundled, String includePattern, List<String> overridden) {

    public static RouteSources of(String configuredPattern, Path dir, ResourcePatternResolver resolver) {
        Map<String, String> bundled = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        List<String> overridden = new ArrayList<>();
        for (String entry : configuredPattern.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            if (!e.startsWith("classpath:")) {
                parts.add(e); // files elsewhere are the user's own
                continue;
            }
            String folder = e.substring(0, e.lastIndexOf('/') + 1);
            try {
                for (org.springframework.core.io.Resource r : resolver.getResources(e)) {
                    String name = r.getFilename();
                    if (name == null) {
                        continue;
                    }
                    String location = (folder.isEmpty() ? "classpath:" : folder) + name;
                    bundled.put(name, location);
                    if (Files.isRegularFile(dir.resolve(name))) {
                        overridden.add(name);
                    } else {
                        parts.add(location);
                    }
                }
            } catch (IOException ex) {
                throw new UncheckedIOException("Cannot list the bundled routes " + e, ex);
            }
        }
        parts.add("file:" + dir.toAbsolutePath().normalize() + "/*.yaml");
        return new RouteSources(bundled, String.join(",", parts), overridden);
    }
}
