package io.camelmcp.gateway.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ToolFilter;

/**
 * The static servers of {@code mcp.gateway.servers-file}, kept in force while the gateway runs. The file has the shape
 * of application properties ({@code mcp.gateway.servers: [...]}, other keys ignored) and is bound the way they are
 * (Spring Boot's YAML loader and Binder, relaxed names, {@code ${...}} placeholders resolved against the environment),
 * except that an unknown key under a server is an error rather than ignored: a typo must not silently drop a prefix.
 * <p>
 * {@link #check()} (the {@code servers-file} timer of housekeeping.yaml) compares the file with the version in force;
 * a version read the same twice in a row (not one being written) that differs is bound and replaces the static source
 * of the registry. A file that is missing, unreadable, does not parse or does not bind keeps the previous servers; it
 * is logged once per distinct error and reported by {@link #details()} (health {@code mcpRegistry.serversFile}) until
 * a version of it applies. At start-up such a file fails the start: there are no previous servers to keep.
 */
public final class ServersFile {

    private static final Logger LOG = LoggerFactory.getLogger(ServersFile.class);
    private static final String SERVERS = "mcp.gateway.servers";

    private final Path path;
    private final ServerRegistry registry;
    private final String source;
    private final PlaceholdersResolver placeholders;
    private final boolean polled;

    /** SHA-256 of the version in force. */
    private volatile String inForce;
    /** Why the file as it is now is not in force; null when it is. */
    private volatile String failure;
    /** What the file held at the previous comparison (null: missing or unreadable). */
    private byte[] previousRead;
    /** SHA-256 of the content last tried (applied or failed), or of the error that kept it from being read. */
    private String lastTried;

    /**
     * Reads and applies the file once.
     *
     * @throws IllegalStateException when the file cannot be read or bound
     */
    public ServersFile(String location, ServerRegistry registry, String source, PlaceholdersResolver placeholders,
                       Duration interval) {
        this.path = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location)
                .toAbsolutePath().normalize();
        this.registry = registry;
        this.source = source;
        this.placeholders = placeholders;
        this.polled = !(interval.isZero() || interval.isNegative());
        byte[] content;
        List<ServerRegistration> servers;
        try {
            content = Files.readAllBytes(path);
            servers = bind(content);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("mcp.gateway.servers-file " + path + ": " + describe(e), e);
        }
        registry.reconcile(source, servers);
        previousRead = content;
        inForce = sha256(content);
        lastTried = inForce;
        LOG.info("Static servers from {}: {}", path, servers.stream().map(ServerRegistration::name).toList());
    }

    public Path path() { return path; }

    /** Applies the file when it changed since the version in force (the timer's method). */
    public synchronized void check() {
        if (!polled) {
            return;
        }
        byte[] now;
        String readError = null;
        try {
            now = Files.readAllBytes(path);
        } catch (IOException e) {
            now = null;
            readError = describe(e);
        }
        byte[] before = previousRead;
        previousRead = now;
        if (now == null) {
            tried("read:" + readError, readError);
            return;
        }
        if (before == null || !Arrays.equals(before, now)) {
            return; // changed since the last look: apply it once it reads the same twice (not mid-write)
        }
        String sha = sha256(now);
        if (sha.equals(lastTried)) {
            return;
        }
        if (sha.equals(inForce)) { // back to the version in force after a failed one
            lastTried = sha;
            clearFailure();
            return;
        }
        List<ServerRegistration> servers;
        try {
            servers = bind(now);
        } catch (RuntimeException e) {
            tried(sha, describe(e));
            return;
        }
        lastTried = sha;
        registry.reconcile(source, servers);
        inForce = sha;
        clearFailure();
        LOG.info("Static servers reloaded from {}: {}", path, servers.stream().map(ServerRegistration::name).toList());
    }

    /** For the health details: the path, the SHA-256 of the version in force and, when the file is not, why. */
    public Map<String, Object> details() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", path.toString());
        out.put("inForce", inForce);
        String f = failure;
        if (f != null) {
            out.put("failed", Map.of("error", f));
        }
        return out;
    }

    private void tried(String key, String error) {
        if (key.equals(lastTried)) {
            return; // logged already
        }
        lastTried = key;
        failure = error;
        LOG.warn("mcp.gateway.servers-file {} not applied, the previous servers keep serving: {}", path, error);
    }

    private void clearFailure() {
        if (failure != null) {
            LOG.info("mcp.gateway.servers-file {} is in force again", path);
            failure = null;
        }
    }

    private List<ServerRegistration> bind(byte[] content) {
        List<PropertySource<?>> sources;
        try {
            sources = new YamlPropertySourceLoader().load("servers-file [" + path + "]", new ByteArrayResource(content));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Binder binder = new Binder(ConfigurationPropertySources.from(sources), placeholders);
        BindHandler strict = new NoUnboundElementsBindHandler(BindHandler.DEFAULT);
        BindResult<List<GatewayProperties.Server>> bound =
                binder.bind(SERVERS, Bindable.listOf(GatewayProperties.Server.class), strict);
        if (!bound.isBound()) {
            throw new IllegalArgumentException("no " + SERVERS + " in the file (write 'servers: []' for none)");
        }
        List<ServerRegistration> out = new ArrayList<>();
        for (GatewayProperties.Server s : bound.get()) {
            out.add(registration(s, source));
        }
        return out;
    }

    static ServerRegistration registration(GatewayProperties.Server s, String source) {
        io.camelmcp.gateway.registry.CallPolicy policy;
        io.camelmcp.gateway.registry.UpstreamAuth auth;
        io.camelmcp.gateway.registry.UpstreamTransport transport;
        try {
            policy = s.policy();
            auth = s.getAuth().toAuth();
            transport = s.upstreamTransport();
        } catch (IllegalArgumentException e) { // a threshold, timeout or auth setting out of range: which server, which
            throw new IllegalArgumentException("mcp.gateway.servers '" + s.getName() + "': " + e.getMessage(), e);
        }
        URI url = transport.kind() == io.camelmcp.gateway.registry.UpstreamTransport.Kind.STDIO
                ? io.camelmcp.gateway.registry.UpstreamTransport.stdioUri(s.getName()) : toUri(s.getUrl());
        return new ServerRegistration(s.getName(), url, s.getPrefix(), s.getHeaders(), source,
                new ToolFilter(s.getTools().getInclude(), s.getTools().getExclude()), null, null, policy, auth, transport);
    }

    static URI toUri(String url) {
        try {
            return url == null ? null : URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            return null; // reported by the registry as an invalid registration
        }
    }

    /** The innermost useful message: a bind error's cause says which key and why. */
    private static String describe(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        StringBuilder out = new StringBuilder();
        Throwable t = e;
        String last = null;
        while (t != null) {
            String m = t.getMessage();
            if (m != null && !m.equals(last) && (last == null || !last.contains(m))) {
                out.append(out.isEmpty() ? "" : ": ").append(m.strip());
                last = m;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        // one log line: YAML errors span several (the snippet and a caret)
        return out.isEmpty() ? e.getClass().getSimpleName() : out.toString().replaceAll("\\s+", " ");
    }

    private static String sha256(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
