package io.camelmcp.gateway.registration;

import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.registry.ServerRegistry;

/**
 * The body of {@code POST /api/v1/register} or {@code PUT /api/v1/servers/{id}}, checked field by field: a bad value
 * or an unknown member (a typo must not silently drop a health path) is a 400 naming the field. In an update, absent
 * members keep their value.
 */
public record RegistrationRequest(String name, String url, String prefix, String transport, String healthPath,
                                  ObjectNode metadata, ObjectNode limits) {

    public static final String STREAMABLE_HTTP = "streamable-http";
    public static final String SSE = "sse";
    private static final Set<String> MEMBERS = Set.of("name", "url", "prefix", "transport", "healthPath", "metadata",
            "limits");
    private static final int MAX_NAME = 128;
    private static final int MAX_PREFIX = 64;
    private static final int MAX_URL = 2048;
    private static final int MAX_METADATA = 16 * 1024;

    /** A registration: name, url and prefix are required; transport defaults to streamable-http. */
    public static RegistrationRequest register(JsonNode body) {
        ObjectNode o = object(body);
        String name = text(o, "name", true);
        if (name.length() > MAX_NAME || !ServerRegistry.NAME.matcher(name).matches()) {
            throw Problem.badRequest("name", "must match " + ServerRegistry.NAME.pattern() + " (at most " + MAX_NAME
                    + " characters)");
        }
        return new RegistrationRequest(name, url(text(o, "url", true)), prefix(text(o, "prefix", true)),
                transport(text(o, "transport", false), STREAMABLE_HTTP), healthPath(text(o, "healthPath", false)),
                metadata(o), limits(o));
    }

    /** An update of {@code current}: what the body names replaces what it held. */
    public static RegistrationRequest update(JsonNode body, Registration current) {
        ObjectNode o = object(body);
        String name = text(o, "name", false);
        if (name != null && !name.equals(current.name())) {
            throw Problem.badRequest("name", "cannot be changed (register the server again under the new name)");
        }
        String url = text(o, "url", false);
        String prefix = text(o, "prefix", false);
        String transport = text(o, "transport", false);
        return new RegistrationRequest(current.name(), url == null ? current.url() : url(url),
                prefix == null ? current.prefix() : prefix(prefix), transport(transport, current.transport()),
                o.has("healthPath") ? healthPath(text(o, "healthPath", false)) : current.healthPath(),
                o.has("metadata") ? metadata(o) : current.metadata(), o.has("limits") ? limits(o) : current.limits());
    }

    private static ObjectNode object(JsonNode body) {
        if (!(body instanceof ObjectNode o)) {
            throw new Problem(400, "Invalid registration", "the body must be a JSON object", null, null);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            String member = it.next().getKey();
            if (!MEMBERS.contains(member)) {
                throw Problem.badRequest(member, "unknown member (expected one of name, url, prefix, transport, "
                        + "healthPath, metadata, limits)");
            }
        }
        return o;
    }

    private static String text(ObjectNode o, String field, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw Problem.badRequest(field, "is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw Problem.badRequest(field, "must be a string");
        }
        return v.textValue().strip();
    }

    private static String url(String url) {
        URI uri;
        try {
            uri = url.length() > MAX_URL ? null : new URI(url);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw Problem.badRequest("url", "must be an absolute http(s) URL without user info or fragment, "
                    + "e.g. http://10.0.0.5:3001/mcp");
        }
        return uri.toString();
    }

    private static String prefix(String prefix) {
        if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !ServerRegistry.PREFIX.matcher(prefix).matches()) {
            throw Problem.badRequest("prefix", "must be 1 to " + MAX_PREFIX + " of A-Z a-z 0-9 _ - . (e.g. \"search_\")");
        }
        return prefix;
    }

    private static String transport(String transport, String otherwise) {
        if (transport == null) {
            return otherwise;
        }
        if (!transport.equals(STREAMABLE_HTTP) && !transport.equals(SSE)) {
            throw Problem.badRequest("transport", "must be \"" + STREAMABLE_HTTP + "\" or \"" + SSE + "\"");
        }
        return transport;
    }

    private static String healthPath(String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(path);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !path.startsWith("/") || path.startsWith("//") || uri.getScheme() != null) {
            throw Problem.badRequest("healthPath", "must be a path on the server, starting with / (e.g. \"/health\")");
        }
        return path;
    }

    /** The registration's own breaker, bulkhead and timeouts: checked here (400 naming the member), kept as given. */
    private static ObjectNode limits(ObjectNode o) {
        JsonNode l = o.get("limits");
        if (l == null || l.isNull()) {
            return null;
        }
        Limits.policy(l, "limits");
        return (ObjectNode) l;
    }

    private static ObjectNode metadata(ObjectNode o) {
        JsonNode m = o.get("metadata");
        if (m == null || m.isNull()) {
            return null;
        }
        if (!(m instanceof ObjectNode meta)) {
            throw Problem.badRequest("metadata", "must be a JSON object");
        }
        if (meta.toString().length() > MAX_METADATA) {
            throw Problem.badRequest("metadata", "must be at most " + MAX_METADATA / 1024 + " KiB as JSON");
        }
        return meta;
    }
}
