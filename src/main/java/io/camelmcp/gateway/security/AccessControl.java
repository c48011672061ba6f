package io.camelmcp.gateway.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.federation.ListKind;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ResourceUris;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.Identity;

/**
 * Per-tool authorization, the routes' {@code mcpAccess}: the list routes' filter ({@link #filterLists}) and the calls'
 * check ({@link #check}), from the rules of configuration and of the cluster (MCPAccessPolicy), combined. With no rule
 * at all both steps return at their first branch.
 */
public class AccessControl {

    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
    public static final String CONFIGURATION = "configuration";

    private final AccessRule.Effect defaultEffect;
    private final boolean concealDenied;
    /** Each source's rules by the name they are known by (source order kept for logs only: rules are unordered). */
    private final Map<String, Map<String, AccessRule>> sources = new TreeMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile AccessPolicy policy = AccessPolicy.NONE;

    public AccessControl(AuthorizationProperties props) {
        this.defaultEffect = props.getDefault();
        this.concealDenied = props.isConcealDenied();
        Map<String, AccessRule> configured = new LinkedHashMap<>();
        List<AccessRule> rules = props.getRules();
        for (int i = 0; i < rules.size(); i++) {
            AccessRule r = rules.get(i);
            String place = "rules[" + i + "]";
            String name = named(r, place);
            configured.put(configured.containsKey(name) ? name + " (" + place + ")" : name, r);
        }
        rules(CONFIGURATION, configured);
    }

    /** A rule's name, or its place ({@code rules[2]}) when it has none. */
    public static String named(AccessRule r, String place) {
        return r.getName() == null || r.getName().isBlank() ? place : r.getName();
    }

    /** Replaces one source's rules (e.g. {@code kubernetes}) and recompiles; listeners hear of a change. */
    public void rules(String source, Map<String, AccessRule> rules) {
        AccessPolicy next;
        synchronized (sources) {
            Map<String, AccessRule> before = sources.get(source);
            if (before != null && before.toString().equals(rules.toString())) {
                return; // the same rules again (a resync): nothing recompiled, nobody told
            }
            if (rules.isEmpty()) {
                sources.remove(source);
            } else {
                sources.put(source, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rules)));
            }
            Map<String, AccessRule> all = new LinkedHashMap<>();
            sources.forEach((s, named) -> named.forEach((name, r) -> all.putIfAbsent(name, r)));
            next = AccessPolicy.compile(all, defaultEffect);
            boolean changed = policy != AccessPolicy.NONE || next != AccessPolicy.NONE;
            policy = next;
            if (!changed) {
                return;
            }
        }
        LOG.info("Authorization: {} rule(s) from {}, default {}", next.size(), sources.keySet(),
                next.defaultAllows() ? "allow" : "deny");
        listeners.forEach(Runnable::run);
    }

    /** Who to tell when the rules change (what each caller may list changed: list_changed to clients). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public AccessPolicy policy() {
        return policy;
    }

    // ---- the routes' steps ---------------------------------------------------------------------------------

    /**
     * catalog-list.yaml, before the page is cut: the caller's filter goes into {@link McpExchange#CATALOG_FILTER}, so
     * the page holds only what it may use (and its cursor counts only that). No rules: no filter.
     */
    public void filterLists(Exchange exchange) {
        AccessPolicy p = policy;
        if (p.empty()) {
            return;
        }
        exchange.setProperty(McpExchange.CATALOG_FILTER, p.accessOf(identity(exchange)));
    }

    /**
     * tools/call, prompts/get, resources/read and subscribe, completion/complete, right after {@code mcpRouter} found
     * the owner (mcpTarget) and rewrote the request into the server's own name or URI: the item is named again as the
     * client knows it (prefix + name, the gateway URI) and decided. Denied: -32003 "Not permitted" with data naming the
     * item and the rule (or, with conceal-denied, -32602 as for an unknown item). resources/unsubscribe is never
     * refused: it only stops what was allowed before.
     */
    public void check(Exchange exchange) {
        AccessPolicy p = policy;
        if (p.empty()) {
            return;
        }
        JsonRpcMessage msg = exchange.getProperty(McpExchange.MESSAGE, JsonRpcMessage.class);
        RegistrySnapshot.Entry target = exchange.getProperty(McpExchange.TARGET, RegistrySnapshot.Entry.class);
        if (msg == null || target == null) {
            // a route that checks before mcpRouter found the owner: refuse rather than let it through unchecked
            throw McpException.rpc(ErrorCodes.INTERNAL_ERROR, "Authorization checked before the request was routed",
                    msg == null ? null : msg.id());
        }
        ObjectNode params = msg.paramsObject();
        String method = msg.method();
        switch (method) {
            case "tools/call" -> decide(p, exchange, msg, ListKind.TOOLS, target, exposedName(target, params), "tool");
            case "prompts/get" -> decide(p, exchange, msg, ListKind.PROMPTS, target, exposedName(target, params), "prompt");
            case "resources/read", "resources/subscribe" ->
                    decide(p, exchange, msg, ListKind.RESOURCES, target, exposedUri(target, params), "resource");
            case "completion/complete" -> {
                JsonNode ref = params.get("ref");
                if (ref instanceof ObjectNode r && "ref/prompt".equals(r.path("type").asText())) {
                    decide(p, exchange, msg, ListKind.PROMPTS, target, exposedName(target, r), "prompt");
                } else if (ref instanceof ObjectNode r) {
                    decide(p, exchange, msg, ListKind.TEMPLATES, target, exposedUri(target, r), "resource template");
                }
            }
            default -> { } // resources/unsubscribe, tasks: nothing named that a rule covers
        }
    }

    private void decide(AccessPolicy p, Exchange exchange, JsonRpcMessage msg, ListKind kind,
                        RegistrySnapshot.Entry target, String key, String what) {
        Identity identity = identity(exchange);
        AccessPolicy.Decision d = p.accessOf(identity).decide(kind, target.name(), key);
        if (d.allowed()) {
            return;
        }
        LOG.debug("{} {} '{}' of '{}' denied to {} by {}", msg.method(), what, key, target.name(), identity,
                d.rule() == null ? "the default" : "rule '" + d.rule() + "'");
        if (concealDenied) {
            // the words CallRouter uses for an item nobody serves
            throw kind == ListKind.TOOLS || kind == ListKind.PROMPTS
                    ? McpException.rpc(ErrorCodes.INVALID_PARAMS, "Unknown " + what + ": " + key, msg.id())
                    : McpException.rpc(ErrorCodes.INVALID_PARAMS, "Unknown " + what + ": " + key, msg.id(), Map.of("uri", key));
        }
        String field = kind == ListKind.TOOLS ? "tool" : kind == ListKind.PROMPTS ? "prompt" : "uri";
        // data: the item, and the rule that denied it (a rule's name is the operator's word, not a secret), or
        // "default": "deny" when no rule allows it
        throw McpException.rpc(ErrorCodes.NOT_PERMITTED, "Not permitted: " + what + " " + key, msg.id(),
                d.rule() == null ? Map.of(field, key, "default", "deny") : Map.of(field, key, "rule", d.rule()));
    }

    /** The name the client sent: the router replaced it with the server's own, the owner's prefix restores it. */
    private static String exposedName(RegistrySnapshot.Entry target, ObjectNode holder) {
        return target.prefix() + holder.path("name").asText("");
    }

    /** The URI the client sent: the router replaced it with the server's own, the gateway scheme restores it. */
    private static String exposedUri(RegistrySnapshot.Entry target, ObjectNode holder) {
        return ResourceUris.expose(target, holder.path("uri").asText(""));
    }

    /** Who sent this request: the authenticated identity, else the session's, else anonymous. */
    static Identity identity(Exchange exchange) {
        Identity id = exchange.getProperty(McpExchange.IDENTITY, Identity.class);
        if (id != null) {
            return id;
        }
        ClientContext client = exchange.getProperty(McpExchange.CLIENT, ClientContext.class);
        return client != null && client.identity() != null ? client.identity() : Identity.ANONYMOUS;
    }
}
