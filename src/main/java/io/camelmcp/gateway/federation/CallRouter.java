package io.camelmcp.gateway.federation;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ResourceUris;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.relay.ServerMessages;
import io.camelmcp.gateway.session.ClientContext;

/**
 * Finds the server that owns what a request names (a tool, a prompt, a resource URI, a completion
 * reference) and rewrites the request into the server's own terms. Unknown owners are -32602.
 */
public class CallRouter {

    private final ServerRegistry registry;
    private final ServerMessages serverMessages;

    public CallRouter(ServerRegistry registry, ServerMessages serverMessages) {
        this.registry = registry;
        this.serverMessages = serverMessages;
    }

    /** tasks/get, tasks/result, tasks/cancel: the server that created the task in this session. */
    public void task(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                     @ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        String taskId = requireString(msg.paramsObject(), "taskId", msg);
        RegistrySnapshot.Entry owner = serverMessages.taskOwner(gs, taskId);
        if (owner == null) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Unknown task: " + taskId, msg.id());
        }
        exchange.setProperty(McpExchange.TARGET, owner);
    }

    /** tools/call: longest matching prefix; the tool must pass the server's filter. */
    public void tool(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        ObjectNode params = msg.paramsObject();
        String name = requireString(params, "name", msg);
        JsonNode args = params.get("arguments");
        if (args != null && !args.isObject() && !args.isNull()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"arguments\" must be an object", msg.id());
        }
        RegistrySnapshot.Route route = ToolNames.isValid(name) ? registry.snapshot().route(name) : null;
        if (route == null || !route.server().registration().tools().allows(route.upstreamName())) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Unknown tool: " + name, msg.id());
        }
        params.put("name", route.upstreamName());
        exchange.setProperty(McpExchange.TARGET, route.server());
    }

    /** prompts/get: by prefix, like tools. */
    public void prompt(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        byPromptName(exchange, msg, msg.paramsObject());
    }

    /** resources/read, resources/subscribe, resources/unsubscribe: by the gateway URI scheme. */
    public void resource(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        byUri(exchange, msg, msg.paramsObject(), "resource");
    }

    /** Routes on the prompt name in {@code holder} and rewrites it to the server's own name. */
    private void byPromptName(Exchange exchange, JsonRpcMessage msg, ObjectNode holder) {
        String name = requireString(holder, "name", msg);
        RegistrySnapshot.Route route = registry.snapshot().route(name);
        if (route == null) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Unknown prompt: " + name, msg.id());
        }
        holder.put("name", route.upstreamName());
        exchange.setProperty(McpExchange.TARGET, route.server());
    }

    /** Routes on the gateway URI in {@code holder} and rewrites it to the server's own URI. */
    private void byUri(Exchange exchange, JsonRpcMessage msg, ObjectNode holder, String what) {
        String uri = requireString(holder, "uri", msg);
        ResourceUris.Owned owned = ResourceUris.resolve(registry.snapshot(), uri);
        if (owned == null) {
            // 2025-06-18 suggested -32002 for a missing resource; 2025-11-25 asks for -32602
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Unknown " + what + ": " + uri, msg.id(),
                    java.util.Map.of("uri", uri));
        }
        holder.put("uri", owned.uri());
        exchange.setProperty(McpExchange.TARGET, owned.server());
    }

    /** completion/complete: the reference is a prompt (by name) or a resource template (by URI). */
    public void completion(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        JsonNode ref = msg.paramsObject().get("ref");
        if (!(ref instanceof ObjectNode r)) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"ref\" must be an object", msg.id());
        }
        String type = r.path("type").asText("");
        if ("ref/prompt".equals(type)) {
            byPromptName(exchange, msg, r);
        } else if ("ref/resource".equals(type)) {
            byUri(exchange, msg, r, "resource template");
        } else {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: unknown ref type '" + type + "'", msg.id());
        }
    }

    private static String requireString(ObjectNode params, String field, JsonRpcMessage msg) {
        JsonNode v = params.get(field);
        if (v == null || !v.isTextual()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"" + field + "\" must be a string", msg.id());
        }
        return v.textValue();
    }
}
