package io.camelmcp.gateway.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route files of a routes directory ({@code mcp.gateway.routes-dir}), kept in force while the gateway runs: a file
 * that is added or changed is loaded in place of the routes it had (same file name, same route ids), a file that is
 * removed gives its routes back to the bundled file of the same name (or removes them). A file that fails to load or
 * start leaves the previous version of its routes serving, is logged once with the reason, and is reported by
 * {@link #failures()} (readiness DOWN) until a version of it loads.
 * <p>
 * The directory is compared with what is in force every interval rather than watched: a Kubernetes ConfigMap volume
 * changes by swapping a symlinked directory ({@code ..data}), which a file watcher on the directory (Camel's own reload
 * strategy among them) does not see as a change of the files.
 */
public final class RouteFiles implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);

    /** Why a route file is not in force: its name, the routes concerned and the error. */
    public record Failure(String file, List<String> routes, String error) {}

    private final CamelContext camel;
    private final Path dir;
    /** Bundled route files by name: what a file of the directory replaces, and what comes back when it is removed. */
    private final Map<String, String> bundled;
    /** Content of the directory's files whose routes are in force. */
    private final Map<String, byte[]> inForce = new ConcurrentHashMap<>();
    /** Content last tried per file (in force or failed): a file is only loaded again when it changes. */
    private final Map<String, byte[]> tried = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    /** What each file held at the previous comparison: a file is loaded once it reads the same twice (not mid-write). */
    private Map<String, byte[]> previousRead = Map.of();
    private final ScheduledExecutorService timer;
    /** Told after a file's new version is in force (routes made from its templates are made again). */
    private final List<Runnable> reloadListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How long a reload waits for the requests in flight on the routes it replaces before it stops them anyway. */
    private static final long DRAIN_SECONDS = 2;

    /**
     * @param bundled  bundled route files by name, as resource locations ({@code classpath:routes/tools-call.yaml})
     * @param interval how often the directory is compared; zero: never (loaded at start only)
     */
    public RouteFiles(CamelContext camel, Path dir, Map<String, String> bundled, java.time.Duration interval) {
        this.camel = camel;
        this.dir = dir.toAbsolutePath().normalize();
        this.bundled = Map.copyOf(bundled);
        // what Camel loads at start-up (routes-include-pattern) is the directory as it is now
        Map<String, byte[]> atStart = read();
        atStart.forEach((name, content) -> {
            inForce.put(name, content);
            tried.put(name, content);
        });
        previousRead = atStart;
        if (interval.isZero() || interval.isNegative()) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mcp-routes-reload");
            t.setDaemon(true);
            return t;
        });
        long millis = interval.toMillis();
        timer.scheduleWithFixedDelay(this::scanQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    public Path directory() { return dir; }

    /**
     * {@code listener} runs after each reload that put in force a file's version (or the bundled one) that defines
     * route templates or a route configuration.
     */
    public void onReload(Runnable listener) {
        reloadListeners.add(listener);
    }

    /** The files whose current version is not in force, by name. */
    public Map<String, Failure> failures() {
        return Map.copyOf(failures);
    }

    /**
     * The directory's files whose routes are in force, with the SHA-256 of the version in force: which version of a
     * ConfigMap serves, for the health details.
     */
    public Map<String, String> versionsInForce() {
        Map<String, String> out = new java.util.TreeMap<>();
        inForce.forEach((name, content) -> out.put(name, sha256(content)));
        return out;
    }

    public static String sha256(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** Which file each route came from, for the health details: file name to route ids. */
    public Map<String, Set<String>> routesByFile() {
        Map<String, Set<String>> out = new java.util.TreeMap<>();
        for (Route r : camel.getRoutes()) {
            String file = fileOf(r);
            if (file != null) {
                out.computeIfAbsent(file, k -> new TreeSet<>()).add(r.getId());
            }
        }
        return out;
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (Throwable e) { // an Error escaping would end the scheduled comparisons for good, silently
            LOG.warn("Comparing the routes directory {} failed: {}", dir, e.toString());
        }
    }

    /** Loads what changed in the directory since it was last compared. */
    public synchronized void scan() {
        if (camel.getStatus() != ServiceStatus.Started) {
            return; // still starting (Camel loads the directory itself) or stopping
        }
        Map<String, byte[]> now = read();
        Map<String, byte[]> before = previousRead;
        previousRead = now;
        boolean changed = false;
        for (Map.Entry<String, byte[]> e : now.entrySet()) {
            String name = e.getKey();
            if (!Arrays.equals(e.getValue(), tried.get(name)) && Arrays.equals(e.getValue(), before.get(name))) {
                changed |= reload(name, e.getValue());
            }
        }
        for (String name : List.copyOf(tried.keySet())) {
            if (!now.containsKey(name) && !before.containsKey(name)) {
                changed |= reload(name, null);
            }
        }
        if (changed) {
            // a file refused because of another one (a route id that moved between files) may load now
            failures.keySet().forEach(tried::remove);
        }
    }

    private Map<String, byte[]> read() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                // ConfigMap volumes hold their own entries (..data, ..2026_12_01...) beside the symlinked files
                if (name.startsWith(".") || !name.endsWith(".yaml") || !Files.isRegularFile(p)) {
                    continue;
                }
                try {
                    out.put(name, Files.readAllBytes(p));
                } catch (IOException e) {
                    LOG.debug("Cannot read {} now: {}", p, e.toString()); // being replaced: next time
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the routes directory {}: {}", dir, e.toString());
        }
        return out;
    }

    /**
     * Puts {@code content} (null: the file was removed) in force for the file {@code name}, or keeps what was;
     * returns whether it is in force.
     */
    private boolean reload(String name, byte[] content) {
        if (content == null) {
            tried.remove(name);
        } else {
            tried.put(name, content);
        }
        Resource resource = resource(name, content);
        Map<String, ServiceStatus> before = statuses(name);
        try {
            Loaded loaded = resource == null ? Loaded.NOTHING : load(name, resource);
            Set<String> after = loaded.routes();
            for (String id : before.keySet()) {
                if (!after.contains(id)) {
                    remove(id);
                }
            }
            boolean configuration = resource != null && definesRouteConfiguration(resource);
            if (configuration) {
                rebuildOthers(name); // routes apply a route configuration when they are built
            }
            if (content == null) {
                inForce.remove(name);
            } else {
                inForce.put(name, content);
            }
            failures.remove(name);
            if (loaded.templates() || configuration) {
                // routes made from a template (the servers' routes) follow a new template or route configuration
                reloadListeners.forEach(Runnable::run);
            }
            LOG.info("Routes of {} {}: {}", name, content == null
                    ? (resource == null ? "removed with their file" : "back to the bundled file") : "reloaded from " + dir, after);
            return true;
        } catch (Exception | LinkageError e) {
            String why = reason(e);
            List<String> routes = routesOf(e, before.keySet());
            failures.put(name, new Failure(name, routes, why));
            LOG.warn("Route file {} was not loaded, the routes it had keep serving (route {}): {}", name,
                    String.join(", ", routes), why);
            restore(name, before);
            return false;
        }
    }

    /** Whether a file defines a route configuration (errors.yaml's mcp-errors), which other files' routes name. */
    private static boolean definesRouteConfiguration(Resource resource) {
        try (java.io.InputStream in = resource.getInputStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("routeConfiguration:");
        } catch (IOException e) {
            return false;
        }
    }

    /** Builds the routes of every other file again, as they are in force, so that they take a new route configuration. */
    private void rebuildOthers(String changed) {
        List<String> rebuilt = new ArrayList<>();
        for (String other : routesByFile().keySet()) {
            Resource r = other.equals(changed) ? null : resourceInForce(other);
            if (r == null) {
                continue;
            }
            try {
                for (String id : statuses(other).keySet()) {
                    camel.getRouteController().stopRoute(id, DRAIN_SECONDS, TimeUnit.SECONDS);
                }
                PluginHelper.getRoutesLoader(camel).updateRoutes(List.of(r));
                rebuilt.add(other);
            } catch (Exception e) {
                String why = reason(e);
                failures.put(other, new Failure(other, new ArrayList<>(statuses(other).keySet()), why));
                LOG.warn("Routes of {} could not be built again with the route configuration of {}: {}", other, changed, why);
            }
        }
        LOG.info("Routes of {} built again with the route configuration of {}", rebuilt, changed);
    }

    /** The version of a file whose routes are in force: the directory's, or the bundled one. */
    private Resource resourceInForce(String name) {
        return resource(name, inForce.get(name));
    }

    /** A file of the directory with this content, or (null) the bundled file of its name, or null when there is none. */
    private Resource resource(String name, byte[] content) {
        return content != null ? ResourceHelper.fromBytes("file:" + dir.resolve(name), content)
                : bundled.containsKey(name) ? ResourceHelper.resolveResource(camel, bundled.get(name)) : null;
    }

    /** What a file put in force: its routes' ids, and whether it defines route templates. */
    private record Loaded(Set<String> routes, boolean templates) {
        static final Loaded NOTHING = new Loaded(Set.of(), false);
    }

    /** Loads one file's routes in place of those with the same ids; refuses ids that another file defines. */
    private Loaded load(String name, Resource resource) throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        Set<String> templates = new LinkedHashSet<>();
        for (RoutesBuilder b : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource))) {
            if (b instanceof RouteBuilder rb) {
                for (RouteDefinition def : rb.configureRoutes(camel).getRoutes()) {
                    ids.add(def.getRouteId());
                }
                rb.getRouteTemplateCollection().getRouteTemplates().forEach(t -> templates.add(t.getId()));
            }
        }
        for (String id : ids) {
            Route existing = id == null ? null : camel.getRoute(id);
            String owner = existing == null ? null : fileOf(existing);
            if (owner != null && !owner.equals(name)) {
                throw new RouteIdTaken(id, "route id " + id + " is already defined in " + owner);
            }
        }
        // Camel would wait for the requests in flight on the routes it replaces up to its shutdown timeout (45 s),
        // and new requests would wait for the route meanwhile: a short drain, then the routes stop anyway (the
        // requests in flight go on to their end on the objects they run on)
        for (String id : statuses(name).keySet()) {
            camel.getRouteController().stopRoute(id, DRAIN_SECONDS, TimeUnit.SECONDS);
        }
        // Camel keeps a route template it has already (a reload would not change it): the file's new version of each
        // replaces it, and the old one comes back if the new version fails to load
        org.apache.camel.model.Model model = camel.getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class);
        List<org.apache.camel.model.RouteTemplateDefinition> replaced = new java.util.ArrayList<>();
        for (String id : templates) {
            org.apache.camel.model.RouteTemplateDefinition old = model.getRouteTemplateDefinition(id);
            if (old != null) {
                model.removeRouteTemplateDefinition(old);
                replaced.add(old);
            }
        }
        try {
            return new Loaded(PluginHelper.getRoutesLoader(camel).updateRoutes(List.of(resource)), !templates.isEmpty());
        } catch (Exception | LinkageError e) {
            for (org.apache.camel.model.RouteTemplateDefinition old : replaced) {
                if (model.getRouteTemplateDefinition(old.getId()) != null) {
                    model.removeRouteTemplateDefinition(model.getRouteTemplateDefinition(old.getId()));
                }
                model.addRouteTemplateDefinition(old);
            }
            throw e;
        }
    }

    /** After a failed load: the routes the file had before, as they were, and none of the new version's. */
    private void restore(String name, Map<String, ServiceStatus> before) {
        for (String id : statuses(name).keySet()) {
            if (!before.containsKey(id)) {
                quietlyRemove(id);
            }
        }
        boolean intact = before.entrySet().stream().allMatch(e -> {
            ServiceStatus s = camel.getRouteController().getRouteStatus(e.getKey());
            return s == e.getValue();
        });
        if (intact) {
            return;
        }
        Resource last = resourceInForce(name);
        if (last == null) {
            return;
        }
        try {
            PluginHelper.getRoutesLoader(camel).updateRoutes(List.of(last));
        } catch (Exception e) {
            LOG.error("The previous routes of {} could not be restored either: {}", name, reason(e));
        }
    }

    private Map<String, ServiceStatus> statuses(String name) {
        Map<String, ServiceStatus> out = new LinkedHashMap<>();
        for (Route r : camel.getRoutes()) {
            if (name.equals(fileOf(r))) {
                out.put(r.getId(), camel.getRouteController().getRouteStatus(r.getId()));
            }
        }
        return out;
    }

    private void remove(String id) throws Exception {
        camel.getRouteController().stopRoute(id);
        camel.removeRoute(id);
    }

    private void quietlyRemove(String id) {
        try {
            remove(id);
        } catch (Exception e) {
            LOG.debug("Could not remove route {}: {}", id, e.toString());
        }
    }

    /** The file name a route was loaded from (bundled or from the directory), or null for routes of no file. */
    static String fileOf(Route route) {
        Resource source = route.getSourceResource();
        String location = source == null ? null : source.getLocation();
        if (location == null) {
            return null;
        }
        int slash = Math.max(location.lastIndexOf('/'), location.lastIndexOf(':'));
        return location.substring(slash + 1);
    }

    /** A file defines a route id that another file already does: loading it would replace that file's route. */
    private static final class RouteIdTaken extends RuntimeException {
        final String routeId;

        RouteIdTaken(String routeId, String message) {
            super(message, null, false, false);
            this.routeId = routeId;
        }
    }

    private static List<String> routesOf(Throwable e, Set<String> fallback) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String id = t instanceof RouteIdTaken taken ? taken.routeId
                    : t instanceof FailedToCreateRouteException c ? c.getRouteId()
                    : t instanceof FailedToStartRouteException s ? s.getRouteId() : null;
            if (id != null && !id.isBlank()) {
                return List.of(id);
            }
        }
        return new ArrayList<>(fallback);
    }

    /** The innermost message that says something, on one line. */
    static String reason(Throwable e) {
        Throwable t = e;
        String message = e.toString();
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        return message.replaceAll("\\s+", " ").trim();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
