package io.camelmcp.gateway.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One parsed JSON-RPC message as received. {@code raw} is the whole object, kept so that a message
 * forwarded upstream is re-serialised from the same tree instead of being rebuilt.
 */
public record JsonRpcMessage(Kind kind, JsonNode id, String method, JsonNode params, ObjectNode raw) {

    public enum Kind { REQUEST, NOTIFICATION, RESPONSE }

    public boolean isRequest() { return kind == Kind.REQUEST; }

    /** The params object, or an empty one; never null. */
    public ObjectNode paramsObject() {
        return params instanceof ObjectNode o ? o : raw.objectNode();
    }
}
