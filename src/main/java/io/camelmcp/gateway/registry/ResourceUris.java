package io.camelmcp.gateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.camelmcp.gateway.registry.RegistrySnapshot;

/**
 * The reversible resource URI scheme: a server's resource {@code URI} is shown to clients as
 * {@code mcp-gateway://<server-name>/<URI>}, the original appended unchanged, so the gateway knows the
 * owner of every URI a client sends back, templates still expand, and a person can still read it:
 * {@code demo://resource/1} of server {@code everything} becomes
 * {@code mcp-gateway://everything/demo://resource/1}. A server registered with the empty prefix (transparent
 * mode, the only server) keeps its URIs as they are.
 */
public final class ResourceUris {

    public static final String SCHEME = "mcp-gateway://";

    /** A URI as the owning server knows it. */
    public record Owned(RegistrySnapshot.Entry server, String uri) {}

    private ResourceUris() {}

    public static String expose(RegistrySnapshot.Entry server, String uri) {
        return server.prefix().isEmpty() || uri == null ? uri : SCHEME + server.name() + "/" + uri;
    }

    /** The owner of a gateway URI, or null when no registered server owns it. */
    public static Owned resolve(RegistrySnapshot snapshot, String uri) {
        if (uri.startsWith(SCHEME)) {
            int slash = uri.indexOf('/', SCHEME.length());
            if (slash > SCHEME.length()) {
                RegistrySnapshot.Entry server = snapshot.server(uri.substring(SCHEME.length(), slash));
                if (server != null && !server.prefix().isEmpty()) {
                    return new Owned(server, uri.substring(slash + 1));
                }
            }
            return null;
        }
        RegistrySnapshot.Entry transparent = snapshot.transparentServer();
        return transparent == null ? null : new Owned(transparent, uri);
    }

    /**
     * Rewrites, in place, every resource URI in a result the server sent (tool results, prompt messages,
     * resource contents): embedded resources, resource links, and {@code contents[].uri}.
     */
    public static void exposeAll(RegistrySnapshot.Entry server, JsonNode node) {
        if (server.prefix().isEmpty() || node == null) {
            return;
        }
        if (node instanceof ObjectNode o) {
            String type = o.path("type").asText("");
            if ("resource_link".equals(type)) {
                rewrite(server, o, "uri");
            } else if ("resource".equals(type) && o.get("resource") instanceof ObjectNode r) {
                rewrite(server, r, "uri");
            } else if (o.get("contents") != null && o.get("contents").isArray()) {
                o.get("contents").forEach(c -> { if (c instanceof ObjectNode co) rewrite(server, co, "uri"); });
            }
            o.forEach(child -> { if (child.isContainerNode()) exposeAll(server, child); });
        } else if (node.isArray()) {
            node.forEach(child -> exposeAll(server, child));
        }
    }

    private static void rewrite(RegistrySnapshot.Entry server, ObjectNode o, String field) {
        JsonNode uri = o.get(field);
        if (uri != null && uri.isTextual() && !uri.textValue().startsWith(SCHEME)) {
            o.set(field, TextNode.valueOf(expose(server, uri.textValue())));
        }
    }
}
