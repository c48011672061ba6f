package io.camelmcp.gateway.federation;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;

/**
 * The virtual servers of every source (configuration, MCPVirtualServer resources), and the routes' {@code
 * mcpVirtualServers}: {@link #select} in mcp-endpoint.yaml picks the request's virtual server (the path
 * {@code /v/{name}/mcp} or the {@code X-Mcp-Virtualserver} header), {@link #check} refuses a call outside it as the
 * router refuses an unknown item. Lists are cut by the catalogue, which resolves each subset once per merge.
 */
public class VirtualServers {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualServers.class);
    public static final String CONFIGURATION = "configuration";
    /** Kuadrant's header (header names are case-insensitive, and so are Camel's). */
    public static final String HEADER = "X-Mcp-Virtualserver";
    /** The path's last segment after the name: /v/{name}/mcp. */
    private static final String PATH_END = "/mcp";

    /** Each source's definitions, in the order given. */
    private final Map<String, List<VirtualServer.Definition>> sources = new TreeMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, VirtualServer> all = Map.of();

    /** @param configured {@code mcp.gateway.virtual-servers}: names checked here, so a mistake fails the start */
    public VirtualServers(List<VirtualServer.Definition> configured) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < configured.size(); i++) {
            String name = configured.get(i).name();
            if (name == null || !VirtualServer.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("mcp.gateway.virtual-servers[" + i + "].name: '" + name + "' is not "
                        + "a valid name (letters, digits, '.', '_', '-'; it is a segment of the path /v/{name}/mcp)");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("mcp.gateway.virtual-servers[" + i + "].name: '" + name
                        + "' is already the name of another virtual server");
            }
        }
        define(CONFIGURATION, configured);
    }

    /**
     * Replaces one source's virtual servers (e.g. {@code kubernetes}); listeners hear of a change. A name already
     * defined by a source before it (in name order) keeps that definition.
     */
    public void define(String source, List<VirtualServer.Definition> definitions) {
        Map<String, VirtualServer> next = new LinkedHashMap<>();
        synchronized (sources) {
            List<VirtualServer.Definition> before = sources.get(source);
            if (before == null ? definitions.isEmpty() : before.equals(definitions)) {
                return; // the same again (a resync): nothing compiled, nobody told
            }
            if (definitions.isEmpty()) {
                sources.remove(source);
            } else {
                sources.put(source, List.copyOf(definitions));
            }
            sources.forEach((s, defs) -> defs.forEach(d -> {
                if (next.putIfAbsent(d.name(), VirtualServer.compile(s, d)) != null) {
                    LOG.warn("Virtual server '{}' of {} is not served: the name is already defined", d.name(), s);
                }
            }));
            all = Map.copyOf(next);
        }
        LOG.info("Virtual servers: {}", next.keySet());
        listeners.forEach(Runnable::run);
    }

    /** Who to tell when the virtual servers change (the catalogue resolves them again; clients hear list_changed). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** The virtual server of this name, or null. */
    public VirtualServer find(String name) {
        return all.get(name);
    }

    public Map<String, VirtualServer> all() {
        return all;
    }

    // ---- the routes' steps ---------------------------------------------------------------------------------

    /**
     * mcp-endpoint.yaml, before the request's headers are dropped: the virtual server the request names goes into
     * {@link McpExchange#VIRTUAL_SERVER}. A request on /mcp without the header costs a property and a header lookup.
     * An unknown name on the path is 404 (there is no such endpoint); in the header 400 (a 404 would tell a session's
     * client that its session is gone). Path and header naming different ones: 400.
     */
    public void select(Exchange exchange) {
        Object path = exchange.getProperty(McpExchange.VIRTUAL_PATH);
        Object header = exchange.getIn().getHeader(HEADER);
        if (path == null && header == null) {
            return;
        }
        VirtualServer byPath = null;
        if (path != null) {
            String p = path.toString();
            // /{name}/mcp after the servlet's /v: the name may hold a '/' (a resource's namespace/name)
            String name = p.length() > 1 + PATH_END.length() && p.charAt(0) == '/' && p.endsWith(PATH_END)
                    ? p.substring(1, p.length() - PATH_END.length()) : null;
            if (name == null) {
                throw McpException.http(404, ErrorCodes.TRANSPORT_ERROR,
                        "Not Found: a virtual server's endpoint is /v/{name}/mcp");
            }
            byPath = all.get(name);
            if (byPath == null) {
                throw McpException.http(404, ErrorCodes.TRANSPORT_ERROR, "Not Found: no virtual server '" + name + "'");
            }
        }
        VirtualServer selected = byPath;
        if (header != null) {
            String name = header.toString().trim();
            VirtualServer byHeader = all.get(name);
            if (byHeader == null) {
                throw McpException.http(400, ErrorCodes.TRANSPORT_ERROR, "Bad Request: no virtual server '" + cut(name)
                        + "' (" + HEADER + ")");
            }
            if (byPath != null && byPath != byHeader) {
                throw McpException.http(400, ErrorCodes.TRANSPORT_ERROR, "Bad Request: the path names virtual server '"
                        + byPath.name() + "', the " + HEADER + " header '" + byHeader.name() + "'");
            }
            selected = byHeader;
        }
        exchange.setProperty(McpExchange.VIRTUAL_SERVER, selected);
    }

    /**
     * A session-based request, once its session is found: a session created on a virtual server stays on it, whatever
     * the request names (none: the session's); naming another is 400. A session created without one follows each
     * request's header, as Kuadrant's gateway does.
     *
     * @param bound the session's virtual server (null: none)
     */
    public void enterSession(Exchange exchange, String bound) {
        if (bound == null) {
            return;
        }
        VirtualServer asked = exchange.getProperty(McpExchange.VIRTUAL_SERVER, VirtualServer.class);
        if (asked == null) {
            VirtualServer vs = all.get(bound);
            if (vs == null) {
                throw McpException.http(404, ErrorCodes.TRANSPORT_ERROR,
                        "Not Found: this session's virtual server '" + bound + "' no longer exists");
            }
            exchange.setProperty(McpExchange.VIRTUAL_SERVER, vs);
        } else if (!asked.name().equals(bound)) {
            throw McpException.http(400, ErrorCodes.TRANSPORT_ERROR, "Bad Request: this session belongs to virtual "
                    + "server '" + bound + "', not '" + asked.name() + "'");
        }
    }

    /**
     * tools/call, prompts/get, resources/read and subscribe, completion/complete, before the router: an item outside the
     * request's virtual server is refused with the router's own words for an unknown one (-32602), so that a client
     * cannot tell it from an item nobody serves. No virtual server: one property lookup.
     */
    public void check(Exchange exchange) {
        VirtualServer vs = exchange.getProperty(McpExchange.VIRTUAL_SERVER, VirtualServer.class);
        if (vs == null) {
            return;
        }
        JsonRpcMessage msg = exchange.getProperty(McpExchange.MESSAGE, JsonRpcMessage.class);
        ObjectNode params = msg.paramsObject();
        switch (msg.method()) {
            case "tools/call" -> refuse(vs, msg, ListKind.TOOLS, params.get("name"), "tool");
            case "prompts/get" -> refuse(vs, msg, ListKind.PROMPTS, params.get("name"), "prompt");
            case "resources/read", "resources/subscribe" -> refuse(vs, msg, ListKind.RESOURCES, params.get("uri"), "resource");
            case "completion/complete" -> {
                if (params.get("ref") instanceof ObjectNode ref) {
                    String type = ref.path("type").asText("");
                    if ("ref/prompt".equals(type)) {
                        refuse(vs, msg, ListKind.PROMPTS, ref.get("name"), "prompt");
                    } else if ("ref/resource".equals(type)) {
                        refuse(vs, msg, ListKind.TEMPLATES, ref.get("uri"), "resource template");
                    }
                }
            }
            default -> { } // resources/unsubscribe only stops what was allowed; tasks belong to calls already checked
        }
    }

    /** Refuses the item unless the subset shows it; a malformed one is left to the router's own error. */
    private static void refuse(VirtualServer vs, JsonRpcMessage msg, ListKind kind, JsonNode key, String what) {
        if (key == null || !key.isTextual() || vs.shows(kind, key.textValue())) {
            return;
        }
        String k = key.textValue();
        throw kind == ListKind.TOOLS || kind == ListKind.PROMPTS
                ? McpException.rpc(ErrorCodes.INVALID_PARAMS, "Unknown " + what + ": " + k, msg.id())
                : McpException.rpc(ErrorCodes.INVALID_PARAMS, "Unknown " + what + ": " + k, msg.id(), Map.of("uri", k));
    }

    /** A name from a header as an error may quote it: not kilobytes of it. */
    private static String cut(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
