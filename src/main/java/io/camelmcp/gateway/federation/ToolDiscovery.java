package io.camelmcp.gateway.federation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.StatelessFamily;
import io.camelmcp.gateway.relay.ClientStreams;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.SessionStore;

/**
 * Tool discovery: instead of the whole catalogue, {@code tools/list} shows a few meta-tools of the gateway's own, with
 * which a client searches the catalogue ({@code discover_tools}, ranked by {@link ToolIndex}), picks the tools it wants
 * listed in its session ({@code select_tools}: session state, in the {@link SessionStore}) and calls any tool by name
 * ({@code call_tool}: turned into that tool's own {@code tools/call}, which then goes the way every call goes). A
 * direct {@code tools/call} of any tool still works. Names follow Kuadrant's mcp-gateway where it has them.
 *
 * <p>Whether a request is served so is {@link #enabled(Exchange)}: its virtual server's {@code toolDiscovery}, else the
 * gateway's setting; every step below follows, and a virtual server's clients search and select only within its subset. Off, the routes never call this bean: their
 * guards are the predicates {@link #namesMetaTool} and {@link #listsTools}, which answer false at once.
 *
 * <p>A 2026-07-28 client has no session to keep a selection in: it is listed {@code discover_tools} and
 * {@code call_tool} only, and {@code select_tools} answers it with a tool error saying so.
 */
public class ToolDiscovery {

    public static final String DISCOVER = "discover_tools";
    public static final String SELECT = "select_tools";
    public static final String CALL = "call_tool";
    /** A selection is a handful of tools, not a second catalogue (Kuadrant allows 250). */
    public static final int MAX_SELECTED = 64;
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 50;

    /** What the model reads: each meta-tool's description and input schema. */
    private static final String DISCOVER_TOOL = """
            {"name":"discover_tools","title":"Discover tools",
             "description":"Search the tools of all the MCP servers behind this gateway. Give a few words saying what you want to do (e.g. \\"create a GitHub issue\\", \\"add two numbers\\"): the best-matching tools come back, best first, with their names, titles and descriptions. Then call one with call_tool (or directly by its name), or add it to your tool list with select_tools. Without a query: every server's tool names.",
             "inputSchema":{"type":"object","properties":{
               "query":{"type":"string","description":"Words for the task or the tool, matched against tool names, titles, descriptions and parameters"},
               "limit":{"type":"integer","minimum":1,"maximum":50,"default":10,"description":"How many tools at most (default 10)"},
               "includeSchemas":{"type":"boolean","default":false,"description":"Also return each tool's inputSchema (its arguments), to call it with call_tool at once"}}},
             "annotations":{"readOnlyHint":true,"openWorldHint":false}}""";
    private static final String SELECT_TOOL = """
            {"name":"select_tools","title":"Select tools",
             "description":"Choose the tools you need in this session: after this call tools/list shows them, with their full input schemas, beside these meta-tools (the gateway sends notifications/tools/list_changed). The names given replace the previous selection; an empty list clears it. Names come from discover_tools.",
             "inputSchema":{"type":"object","properties":{
               "tools":{"type":"array","items":{"type":"string"},"maxItems":64,"description":"Tool names as discover_tools returns them, e.g. [\\"github_create_issue\\"]"}},
               "required":["tools"]},
             "annotations":{"readOnlyHint":false,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false}}""";
    private static final String CALL_TOOL = """
            {"name":"call_tool","title":"Call a tool",
             "description":"Call any tool of the servers behind this gateway by its name, selected or not, with its arguments: the same as calling that tool directly (its result, errors and progress come back as they are). discover_tools with includeSchemas tells a tool's name and arguments.",
             "inputSchema":{"type":"object","properties":{
               "name":{"type":"string","description":"The tool's name as discover_tools returns it"},
               "arguments":{"type":"object","description":"The tool's arguments, as its inputSchema describes them"}},
               "required":["name"]}}""";

    private final boolean enabled;
    private final Catalog catalog;
    private final SessionStore store;
    private final ClientStreams streams;
    private final JsonRpc json;
    private final List<JsonNode> sessionTools;
    private final List<JsonNode> statelessTools;
    /** The index of each view's merged tools, made again when the catalogue hands out a new list. */
    private final Map<String, ToolIndex> indexes = new ConcurrentHashMap<>();

    /** @param enabled mcp.gateway.tool-discovery.enabled: the mode of every client (per virtual server later) */
    public ToolDiscovery(boolean enabled, Catalog catalog, SessionStore store, ClientStreams streams, JsonRpc json) {
        this.enabled = enabled;
        this.catalog = catalog;
        this.store = store;
        this.streams = streams;
        this.json = json;
        JsonNode discover = parse(DISCOVER_TOOL);
        JsonNode call = parse(CALL_TOOL);
        this.sessionTools = List.of(discover, parse(SELECT_TOOL), call);
        this.statelessTools = List.of(discover, call);
    }

    private JsonNode parse(String text) {
        try {
            return json.read(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean isMetaTool(String name) {
        return DISCOVER.equals(name) || SELECT.equals(name) || CALL.equals(name);
    }

    // ---- the routes' guards (Camel predicates, through the ref language: one call each, no bean binding) ------------

    /** Whether this request's client is served in discovery mode: its virtual server's setting, else the gateway's. */
    public boolean enabled(Exchange exchange) {
        VirtualServer vs = exchange.getProperty(McpExchange.VIRTUAL_SERVER, VirtualServer.class);
        Boolean own = vs == null ? null : vs.definition().toolDiscovery();
        return own != null ? own : enabled;
    }

    /** What a client of {@code vs} may see: the authorization rules' filter, within the virtual server's subset. */
    private static CatalogFilter within(CatalogFilter filter, VirtualServer vs) {
        if (vs == null) {
            return filter;
        }
        return filter == null ? (kind, server, key) -> vs.shows(kind, key)
                : (kind, server, key) -> vs.shows(kind, key) && filter.shows(kind, server, key);
    }

    /** mcp-dispatch (mcp-endpoint.yaml): a tools/call of one of the meta-tools, by a client in discovery mode. */
    public boolean namesMetaTool(Exchange exchange) {
        if (!enabled(exchange)) {
            return false;
        }
        JsonRpcMessage msg = exchange.getProperty(McpExchange.MESSAGE, JsonRpcMessage.class);
        return msg != null && isMetaTool(msg.paramsObject().path("name").asText(null));
    }

    /** catalog-list.yaml: a tools/list by a client in discovery mode. */
    public boolean listsTools(Exchange exchange) {
        return enabled(exchange) && "tools/list".equals(exchange.getProperty(McpExchange.METHOD, String.class));
    }

    // ---- tools/list ----------------------------------------------------------------------------------------------

    /**
     * tools/list in discovery mode: the meta-tools, then the session's selection in the order it was made (those tools
     * of it the catalogue still has and the caller may see), in one page.
     */
    public Answer list(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                       @ExchangeProperty(McpExchange.CLIENT) ClientContext gs,
                       @ExchangeProperty(McpExchange.CATALOG_FILTER) CatalogFilter authorized,
                       @ExchangeProperty(McpExchange.VIRTUAL_SERVER) VirtualServer vs) {
        CatalogFilter filter = within(authorized, vs);
        JsonNode cursor = msg.paramsObject().get("cursor");
        if (cursor != null && !cursor.isNull()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid cursor", msg.id()); // one page: none handed out
        }
        ObjectNode result = json.object();
        ArrayNode out = result.putArray("tools");
        boolean session = hasSession(gs);
        (session ? sessionTools : statelessTools).forEach(out::add);
        if (session) {
            List<String> selected = store.selectedTools(gs.sessionId());
            if (!selected.isEmpty()) {
                ToolIndex index = index(gs);
                for (String name : selected) {
                    ToolIndex.Doc d = index.tool(name);
                    if (d != null && shows(filter, d)) {
                        out.addRawValue(d.item().json());
                    }
                }
            }
        }
        return Answer.json(json.write(json.result(msg.id(), result)));
    }

    // ---- tools/call of a meta-tool -------------------------------------------------------------------------------

    /**
     * Whether the call is a {@code call_tool} that names a tool (not a meta-tool) with arguments that are an object or
     * none: then it is {@link #unwrap unwrapped}; any other call_tool is answered by {@link #answer} with a tool error.
     */
    public boolean unwraps(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        ObjectNode params = msg.paramsObject();
        if (!CALL.equals(params.path("name").asText(null)) || !(params.get("arguments") instanceof ObjectNode args)) {
            return false;
        }
        JsonNode name = args.get("name");
        JsonNode inner = args.get("arguments");
        return name != null && name.isTextual() && !isMetaTool(name.textValue())
                && (inner == null || inner.isNull() || inner.isObject());
    }

    /**
     * call_tool becomes the tools/call of the tool it names, in place: its name and arguments; the rest of the request
     * (its id, {@code _meta} with the progress token and trace context, a task) stays, so that what follows treats it
     * as that tool's call in every way.
     */
    public void unwrap(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        ObjectNode params = msg.paramsObject();
        ObjectNode args = (ObjectNode) params.get("arguments");
        JsonNode inner = args.get("arguments");
        params.put("name", args.get("name").textValue());
        if (inner instanceof ObjectNode o) {
            params.set("arguments", o);
        } else {
            params.remove("arguments");
        }
    }

    /**
     * discover_tools and select_tools, and a call_tool that names no tool: answered by the gateway, as tool results
     * (a mistake in the arguments is a result with {@code isError}, which the model reads and can correct).
     */
    public Answer answer(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                         @ExchangeProperty(McpExchange.CLIENT) ClientContext gs,
                         @ExchangeProperty(McpExchange.CATALOG_FILTER) CatalogFilter authorized,
                         @ExchangeProperty(McpExchange.VIRTUAL_SERVER) VirtualServer vs) {
        CatalogFilter filter = within(authorized, vs);
        ObjectNode params = msg.paramsObject();
        JsonNode a = params.get("arguments");
        if (a != null && !a.isNull() && !a.isObject()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"arguments\" must be an object", msg.id());
        }
        ObjectNode args = a instanceof ObjectNode o ? o : json.object();
        ObjectNode result = switch (params.path("name").asText("")) {
            case DISCOVER -> discover(args, gs, filter);
            case SELECT -> select(args, gs, filter);
            default -> error(CALL + " takes \"name\", the name of a tool as discover_tools returns it (not one of the "
                    + "meta-tools), and \"arguments\", an object");
        };
        return Answer.json(json.write(json.result(msg.id(), result)));
    }

    private ObjectNode discover(ObjectNode args, ClientContext gs, CatalogFilter filter) {
        JsonNode query = args.get("query");
        JsonNode limit = args.get("limit");
        JsonNode schemas = args.get("includeSchemas");
        if (query != null && !query.isNull() && !query.isTextual()) {
            return error("\"query\" must be a string: words for what the tool should do");
        }
        if (limit != null && !limit.isNull() && !(limit.canConvertToInt() && limit.isIntegralNumber()
                && limit.intValue() >= 1 && limit.intValue() <= MAX_LIMIT)) {
            return error("\"limit\" must be an integer from 1 to " + MAX_LIMIT);
        }
        if (schemas != null && !schemas.isNull() && !schemas.isBoolean()) {
            return error("\"includeSchemas\" must be true or false");
        }
        ToolIndex index = index(gs);
        ObjectNode out = json.object();
        if (query == null || query.isNull() || query.textValue().isBlank()) {
            // a browse of the catalogue: names only, by server
            Map<String, ArrayNode> byServer = new LinkedHashMap<>();
            for (ToolIndex.Doc d : index.tools()) {
                if (shows(filter, d)) {
                    byServer.computeIfAbsent(d.item().server(), s -> json.mapper().createArrayNode()).add(d.name());
                }
            }
            ArrayNode servers = out.putArray("servers");
            byServer.forEach((server, tools) -> servers.addObject().put("server", server).set("tools", tools));
            return text(out, false);
        }
        int n = limit == null || limit.isNull() ? DEFAULT_LIMIT : limit.intValue();
        boolean withSchemas = schemas != null && schemas.asBoolean(false);
        ArrayNode tools = out.putArray("tools");
        for (ToolIndex.Hit hit : index.search(query.textValue(), n, d -> shows(filter, d))) {
            ToolIndex.Doc d = hit.doc();
            ObjectNode t = tools.addObject().put("name", d.name());
            if (d.title() != null) {
                t.put("title", d.title());
            }
            if (d.description() != null) {
                t.put("description", d.description());
            }
            if (withSchemas && d.inputSchema() != null) {
                t.set("inputSchema", d.inputSchema());
            }
        }
        if (tools.isEmpty()) {
            out.put("hint", "No tool matches these words: try others, or discover_tools without a query for every "
                    + "server's tool names.");
        }
        return text(out, false);
    }

    private ObjectNode select(ObjectNode args, ClientContext gs, CatalogFilter filter) {
        if (!hasSession(gs)) {
            return error("select_tools needs a session (MCP 2025-11-25 and earlier): a 2026-07-28 client has none to "
                    + "keep a selection in. Call the tools discover_tools finds with call_tool, or directly by name.");
        }
        JsonNode tools = args.get("tools");
        if (tools == null || !tools.isArray()) {
            return error("\"tools\" must be an array of tool names (empty: clear the selection)");
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode t : tools) {
            if (!t.isTextual()) {
                return error("\"tools\" must be an array of tool names, as discover_tools returns them");
            }
            names.add(t.textValue());
        }
        if (names.size() > MAX_SELECTED) {
            return error("At most " + MAX_SELECTED + " tools can be selected; " + names.size() + " were given");
        }
        ToolIndex index = index(gs);
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            ToolIndex.Doc d = isMetaTool(name) ? null : index.tool(name);
            if (d == null || !shows(filter, d)) {
                unknown.add(name); // not there, or not for this caller: the same words, nothing to probe
            }
        }
        if (!unknown.isEmpty()) {
            return error("Unknown tools: " + String.join(", ", unknown) + ". The selection did not change; "
                    + "discover_tools tells the names of the tools there are.");
        }
        List<String> selected = List.copyOf(names);
        boolean changed = !selected.equals(store.selectedTools(gs.sessionId()));
        if (changed && !store.setSelectedTools(gs.sessionId(), selected)) {
            throw McpException.http(404, ErrorCodes.INVALID_REQUEST, "Session not found");
        }
        if (changed) {
            streams.notify(gs.sessionId(), "notifications/tools/list_changed");
        }
        ObjectNode out = json.object();
        out.set("selected", json.mapper().valueToTree(selected));
        out.put("message", selected.isEmpty() ? "Selection cleared: tools/list shows the meta-tools only."
                : "tools/list now shows these tools beside the meta-tools; call them by name.");
        return text(out, false);
    }

    /** A tool result of one text: the JSON of {@code body}. */
    private ObjectNode text(ObjectNode body, boolean isError) {
        ObjectNode result = json.object();
        result.putArray("content").addObject().put("type", "text")
                .put("text", new String(json.write(body), java.nio.charset.StandardCharsets.UTF_8));
        result.put("isError", isError);
        return result;
    }

    private ObjectNode error(String message) {
        ObjectNode result = json.object();
        result.putArray("content").addObject().put("type", "text").put("text", message);
        result.put("isError", true);
        return result;
    }

    private static boolean shows(CatalogFilter filter, ToolIndex.Doc d) {
        return filter == null || filter.shows(ListKind.TOOLS, d.item().server(), d.name());
    }

    private static boolean hasSession(ClientContext gs) {
        return gs.family() == null || !StatelessFamily.NAME.equals(gs.family().name());
    }

    /** The index of the tools this client's view is served (built at its first use after each change). */
    private ToolIndex index(ClientContext gs) {
        String view = catalog.viewOf(gs);
        List<Catalog.Item> tools = catalog.served(ListKind.TOOLS, view);
        ToolIndex index = indexes.get(view);
        if (index == null || index.source() != tools) {
            index = ToolIndex.of(tools, json);
            indexes.put(view, index);
        }
        return index;
    }
}
