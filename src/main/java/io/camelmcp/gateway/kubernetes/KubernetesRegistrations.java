package io.camelmcp.gateway.kubernetes;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * The reconcile step: from the watcher's caches, recomputes every server that Kubernetes resources register and
 * hands the whole list to the {@link ServerRegistry} (source {@value #SOURCE}). It also records, per
 * MCPServerRegistration and MCPGatewayExtension, why it is or is not served, for the {@link StatusWriter}.
 * Nothing here remembers events: the same caches always give the same result.
 */
public class KubernetesRegistrations {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRegistrations.class);
    public static final String SOURCE = "kubernetes";
    static final String GATEWAY_API = "gateway.networking.k8s.io";
    static final String KGATEWAY = "gateway.kgateway.dev";
    static final String MCP_APP_PROTOCOL = "kgateway.dev/mcp";
    static final String MCP_PATH_ANNOTATION = "kgateway.dev/mcp-path";

    /** Why one MCPServerRegistration is (server != null) or is not served. */
    public record RegistrationState(String namespace, String name, long generation, String server,
                                    String reason, String message) { }

    /** Whether one MCPGatewayExtension is accepted, and why not. */
    public record ExtensionState(String namespace, String name, long generation, boolean ready,
                                 String reason, String message) { }

    public record Outcome(List<RegistrationState> registrations, List<ExtensionState> extensions) {
        static final Outcome EMPTY = new Outcome(List.of(), List.of());
    }

    private final KubernetesWatcher watcher;
    private final ServerRegistry registry;
    private final KubernetesProperties props;
    private final ObjectMapper json;
    private final List<Consumer<Outcome>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Outcome outcome = Outcome.EMPTY;
    private List<ServerRegistration> published;
    /** Objects as JSON by uid and resourceVersion, from the last reconcile (read-only once converted). */
    private Map<String, JsonNode> converted = Map.of();
    /** Problems with Backends (which have no status of ours) already logged, so each is said once. */
    private final Set<String> logged = new HashSet<>();

    public KubernetesRegistrations(KubernetesWatcher watcher, ServerRegistry registry, KubernetesProperties props,
                                   ObjectMapper json) {
        this.watcher = watcher;
        this.registry = registry;
        this.props = props;
        this.json = json;
    }

    public Outcome outcome() { return outcome; }

    public void onOutcome(Consumer<Outcome> listener) { listeners.add(listener); }

    /** Recomputes everything from the caches. Run by the kubernetes-reconcile route, one at a time. */
    public synchronized void reconcile() {
        Cache cache = new Cache();
        List<ExtensionState> extensions = extensions(cache);
        Map<String, ExtensionState> served = new HashMap<>(); // "gwNamespace/gwName" -> extension serving it
        Map<String, String> sections = new HashMap<>();
        for (ExtensionState e : extensions) {
            if (e.ready()) {
                JsonNode ref = cache.get(Kind.MCP_GATEWAY_EXTENSION, e.namespace(), e.name()).path("spec").path("targetRef");
                String key = text(ref, "namespace", e.namespace()) + "/" + ref.path("name").asText();
                served.put(key, e);
                sections.put(key, ref.path("sectionName").asText(null));
            }
        }

        List<ServerRegistration> servers = new ArrayList<>();
        List<RegistrationState> states = new ArrayList<>();
        // oldest first: a prefix already served stays with its owner; a newcomer asking for it is refused
        List<JsonNode> regs = new ArrayList<>(cache.all(Kind.MCP_SERVER_REGISTRATION));
        regs.sort(Comparator.comparing((JsonNode r) -> r.path("metadata").path("creationTimestamp").asText()));
        Map<String, String> prefixOwners = new HashMap<>();
        for (JsonNode reg : regs) {
            states.add(registration(cache, reg, served, sections, prefixOwners, servers));
        }
        Set<String> seenProblems = new HashSet<>();
        backends(cache, servers, seenProblems);
        logged.retainAll(seenProblems);

        converted = cache.seen;
        outcome = new Outcome(List.copyOf(states), List.copyOf(extensions));
        if (!servers.equals(published)) {
            published = List.copyOf(servers);
            LOG.info("Kubernetes registers {} MCP server(s): {}", servers.size(),
                    servers.stream().map(ServerRegistration::name).toList());
            registry.reconcile(SOURCE, servers);
        }
        listeners.forEach(l -> l.accept(outcome));
    }

    // ---- MCPGatewayExtension: one per namespace, cross-namespace Gateways need a ReferenceGrant ----

    private List<ExtensionState> extensions(Cache cache) {
        Map<String, List<JsonNode>> byNamespace = new LinkedHashMap<>();
        for (JsonNode ext : cache.all(Kind.MCP_GATEWAY_EXTENSION)) {
            byNamespace.computeIfAbsent(ns(ext), k -> new ArrayList<>()).add(ext);
        }
        List<ExtensionState> out = new ArrayList<>();
        for (List<JsonNode> inNamespace : byNamespace.values()) {
            // the oldest one wins, so creating a second one never takes over from one already serving
            inNamespace.sort(Comparator.comparing((JsonNode e) -> e.path("metadata").path("creationTimestamp").asText())
                    .thenComparing(KubernetesRegistrations::name));
            JsonNode first = inNamespace.getFirst();
            for (JsonNode ext : inNamespace) {
                if (props.getExtension() != null && !props.getExtension().isBlank()
                        && !props.getExtension().equals(ns(ext) + "/" + name(ext))) {
                    continue; // another gateway deployment's extension: neither served nor given status by us
                }
                out.add(extension(cache, ext, first));
            }
        }
        return out;
    }

    private ExtensionState extension(Cache cache, JsonNode ext, JsonNode first) {
        long gen = ext.path("metadata").path("generation").asLong();
        if (ext != first) {
            return new ExtensionState(ns(ext), name(ext), gen, false, "Conflict",
                    "only one MCPGatewayExtension is allowed per namespace; " + name(first) + " in " + ns(first)
                            + " was there first");
        }
        JsonNode ref = ext.path("spec").path("targetRef");
        String gwNamespace = text(ref, "namespace", ns(ext));
        String gw = ref.path("name").asText();
        if (!gwNamespace.equals(ns(ext)) && !granted(cache, gwNamespace, ns(ext), gw)) {
            return new ExtensionState(ns(ext), name(ext), gen, false, "RefNotPermitted",
                    "Gateway " + gwNamespace + "/" + gw + " is in another namespace: a ReferenceGrant in " + gwNamespace
                            + " must allow MCPGatewayExtension from " + ns(ext) + " to Gateway");
        }
        return new ExtensionState(ns(ext), name(ext), gen, true, "Ready",
                "serving Gateway " + gwNamespace + "/" + gw + " listener " + ref.path("sectionName").asText());
    }

    private static boolean granted(Cache cache, String gwNamespace, String fromNamespace, String gateway) {
        for (JsonNode grant : cache.all(Kind.REFERENCE_GRANT)) {
            if (!ns(grant).equals(gwNamespace)) {
                continue;
            }
            boolean from = false;
            for (JsonNode f : grant.path("spec").path("from")) {
                from |= "mcp.kuadrant.io".equals(f.path("group").asText()) && "MCPGatewayExtension".equals(f.path("kind").asText())
                        && fromNamespace.equals(f.path("namespace").asText());
            }
            boolean to = false;
            for (JsonNode t : grant.path("spec").path("to")) {
                to |= GATEWAY_API.equals(t.path("group").asText()) && "Gateway".equals(t.path("kind").asText())
                        && (!t.hasNonNull("name") || gateway.equals(t.path("name").asText()));
            }
            if (from && to) {
                return true;
            }
        }
        return false;
    }

    // ---- MCPServerRegistration -> HTTPRoute -> Service -> endpoints ----

    private RegistrationState registration(Cache cache, JsonNode reg, Map<String, ExtensionState> served,
                                           Map<String, String> sections, Map<String, String> prefixOwners,
                                           List<ServerRegistration> servers) {
        String ns = ns(reg);
        long gen = reg.path("metadata").path("generation").asLong();
        JsonNode spec = reg.path("spec");
        JsonNode target = spec.path("targetRef");
        String routeNs = text(target, "namespace", ns);
        String routeName = target.path("name").asText();
        JsonNode route = cache.get(Kind.HTTP_ROUTE, routeNs, routeName);
        if (route == null) {
            return fail(reg, gen, "RouteNotFound", "HTTPRoute " + routeNs + "/" + routeName + " not found");
        }
        if (!attached(route, served, sections)) {
            return fail(reg, gen, "NoMatchingExtension", "HTTPRoute " + routeNs + "/" + routeName
                    + " is not attached to a Gateway listener served by a Ready MCPGatewayExtension");
        }
        List<JsonNode> refs = new ArrayList<>();
        route.path("spec").path("rules").forEach(rule -> rule.path("backendRefs").forEach(refs::add));
        if (refs.size() != 1) {
            return fail(reg, gen, "InvalidRoute", "HTTPRoute " + routeNs + "/" + routeName
                    + " must have exactly one backendRef (it has " + refs.size() + ")");
        }
        JsonNode ref = refs.getFirst();
        if (!ref.path("group").asText("").isEmpty() || !"Service".equals(ref.path("kind").asText("Service"))) {
            return fail(reg, gen, "UnsupportedBackend", "the backendRef of HTTPRoute " + routeNs + "/" + routeName
                    + " must be a Service");
        }
        String svcNs = text(ref, "namespace", routeNs);
        JsonNode svc = cache.get(Kind.SERVICE, svcNs, ref.path("name").asText());
        if (svc == null) {
            return fail(reg, gen, "ServiceNotFound", "Service " + svcNs + "/" + ref.path("name").asText() + " not found");
        }
        JsonNode port = servicePort(svc, ref.path("port").asInt(-1));
        if (port == null) {
            return fail(reg, gen, "ServiceNotFound", "Service " + svcNs + "/" + name(svc) + " has no port "
                    + ref.path("port").asText("(none given)"));
        }
        String path = spec.path("path").asText("/mcp");
        Map<String, String> headers = new LinkedHashMap<>();
        String url;
        if (props.getUpstreamAddress() == KubernetesProperties.UpstreamAddress.GATEWAY) {
            if (props.getGatewayUrl() == null || props.getGatewayUrl().isBlank()) {
                return fail(reg, gen, "InvalidConfiguration", "upstream-address is gateway but mcp.gateway.kubernetes.gateway-url is not set");
            }
            url = props.getGatewayUrl().replaceAll("/+$", "") + path;
            JsonNode hosts = route.path("spec").path("hostnames");
            if (hosts.size() > 0) {
                headers.put("Host", hosts.get(0).asText()); // the Gateway routes on it
            }
        } else {
            url = serviceUrl(cache, svc, port, path);
            if (url == null) {
                return fail(reg, gen, "NoReadyEndpoints", "Service " + svcNs + "/" + name(svc) + " has no ready endpoint for port "
                        + port.path("port").asText());
            }
        }
        JsonNode cred = spec.path("credentialRef");
        if (cred.hasNonNull("name")) {
            String key = cred.path("key").asText("token");
            JsonNode secret = cache.get(Kind.SECRET, ns, cred.path("name").asText());
            if (secret == null) {
                return fail(reg, gen, "CredentialsMissing", "Secret " + ns + "/" + cred.path("name").asText()
                        + " not found (it needs the label " + Kind.SECRET_LABEL + "=true)");
            }
            String value = secretValue(secret, key);
            if (value == null) {
                return fail(reg, gen, "CredentialsMissing", "Secret " + ns + "/" + name(secret) + " has no key '" + key + "'");
            }
            headers.put("Authorization", value); // sent to this upstream only; never logged or shown
        }
        // v1 calls it prefix, v1alpha1 toolPrefix; without conversion an object keeps the one it was written with
        String field = reg.path("apiVersion").asText().endsWith("/v1alpha1") ? "toolPrefix" : "prefix";
        String alias = field.equals("prefix") ? "toolPrefix" : "prefix";
        String prefix = spec.hasNonNull(field) ? spec.path(field).asText() : spec.path(alias).asText("");
        String owner = prefixOwners.putIfAbsent(prefix, ns + "/" + name(reg));
        if (owner != null) {
            return fail(reg, gen, "PrefixConflict", field + " '" + prefix + "' is already used by MCPServerRegistration " + owner);
        }
        String server = ns + "." + name(reg);
        servers.add(new ServerRegistration(server, URI.create(url), prefix, headers,
                "MCPServerRegistration " + ns + "/" + name(reg)));
        return new RegistrationState(ns, name(reg), gen, server, null, null);
    }

    private static RegistrationState fail(JsonNode reg, long gen, String reason, String message) {
        return new RegistrationState(ns(reg), name(reg), gen, null, reason, message);
    }

    private static boolean attached(JsonNode route, Map<String, ExtensionState> served, Map<String, String> sections) {
        for (JsonNode parent : route.path("spec").path("parentRefs")) {
            if (!GATEWAY_API.equals(parent.path("group").asText(GATEWAY_API)) || !"Gateway".equals(parent.path("kind").asText("Gateway"))) {
                continue;
            }
            String key = text(parent, "namespace", ns(route)) + "/" + parent.path("name").asText();
            String section = parent.path("sectionName").asText(null);
            if (served.containsKey(key) && (section == null || section.equals(sections.get(key)))) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode servicePort(JsonNode svc, int port) {
        for (JsonNode p : svc.path("spec").path("ports")) {
            if (port < 0 || p.path("port").asInt() == port) {
                return p;
            }
        }
        return null;
    }

    /** Where to reach one port of a Service, by the configured address kind; null when it has no ready endpoint. */
    private String serviceUrl(Cache cache, JsonNode svc, JsonNode port, String path) {
        if (props.getUpstreamAddress() == KubernetesProperties.UpstreamAddress.SERVICE) {
            return "http://" + name(svc) + "." + ns(svc) + ".svc." + props.getClusterDomain() + ":" + port.path("port").asInt() + path;
        }
        String portName = port.path("name").asText("");
        List<String> candidates = new ArrayList<>();
        for (JsonNode slice : cache.all(Kind.ENDPOINT_SLICE)) {
            if (!ns(slice).equals(ns(svc))
                    || !name(svc).equals(slice.path("metadata").path("labels").path("kubernetes.io/service-name").asText())) {
                continue;
            }
            int target = -1;
            for (JsonNode p : slice.path("ports")) {
                if (portName.equals(p.path("name").asText(""))) {
                    target = p.path("port").asInt(-1);
                }
            }
            if (target < 0) {
                continue;
            }
            boolean v6 = "IPv6".equals(slice.path("addressType").asText());
            for (JsonNode ep : slice.path("endpoints")) {
                if (ep.path("conditions").path("ready").asBoolean(true) && ep.path("addresses").size() > 0) {
                    String address = ep.path("addresses").get(0).asText();
                    candidates.add("http://" + (v6 ? "[" + address + "]" : address) + ":" + target + path);
                }
            }
        }
        // the same choice on every replica and every reconcile, so the registration does not flap
        return candidates.stream().sorted().findFirst().orElse(null);
    }

    private static String secretValue(JsonNode secret, String key) {
        JsonNode data = secret.path("data").path(key);
        if (data.isTextual()) {
            return new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8).strip();
        }
        JsonNode plain = secret.path("stringData").path(key); // the API server folds it into data; kept for completeness
        return plain.isTextual() ? plain.asText().strip() : null;
    }

    // ---- kgateway Backends (type MCP) behind HTTPRoutes: static targets and Service label selectors ----

    private void backends(Cache cache, List<ServerRegistration> servers, Set<String> problems) {
        Set<String> names = new HashSet<>();
        servers.forEach(s -> names.add(s.name()));
        for (JsonNode route : cache.all(Kind.HTTP_ROUTE)) {
            route.path("spec").path("rules").forEach(rule -> rule.path("backendRefs").forEach(ref -> {
                if (!KGATEWAY.equals(ref.path("group").asText()) || !"Backend".equals(ref.path("kind").asText())) {
                    return;
                }
                String bNs = text(ref, "namespace", ns(route));
                JsonNode backend = cache.get(Kind.BACKEND, bNs, ref.path("name").asText());
                if (backend == null) {
                    problem(problems, "Backend " + bNs + "/" + ref.path("name").asText() + " referenced by HTTPRoute "
                            + ns(route) + "/" + name(route) + " not found");
                    return;
                }
                if (!"MCP".equals(backend.path("spec").path("type").asText())) {
                    return;
                }
                for (JsonNode target : backend.path("spec").path("mcp").path("targets")) {
                    target(cache, backend, target, servers, names, problems);
                }
            }));
        }
    }

    private void target(Cache cache, JsonNode backend, JsonNode target, List<ServerRegistration> servers,
                        Set<String> names, Set<String> problems) {
        String where = "Backend " + ns(backend) + "/" + name(backend);
        JsonNode stat = target.path("static");
        if (stat.isObject()) {
            String targetName = target.path("name").asText(stat.path("host").asText());
            // protocol SSE: the legacy HTTP+SSE transport, whose stream kgateway serves on /sse unless path says
            boolean sse = "SSE".equalsIgnoreCase(stat.path("protocol").asText());
            String url = "http://" + stat.path("host").asText() + ":" + stat.path("port").asInt(80)
                    + stat.path("path").asText(sse ? "/sse" : "/mcp");
            ServerRegistration server = new ServerRegistration(ns(backend) + "." + name(backend) + "." + targetName,
                    URI.create(url), targetName + "_", Map.of(), where);
            add(servers, names, sse ? server.withTransport(io.camelmcp.gateway.registry.UpstreamTransport.SSE) : server);
            return;
        }
        // both spellings found in the wild: selector.service.matchLabels and selectors.serviceSelector.matchLabels
        JsonNode labels = target.path("selector").path("service").path("matchLabels");
        if (!labels.isObject()) {
            labels = target.path("selectors").path("serviceSelector").path("matchLabels");
        }
        if (!labels.isObject()) {
            problem(problems, where + " has a target with neither static nor a service selector");
            return;
        }
        for (JsonNode svc : cache.all(Kind.SERVICE)) {
            if (!ns(svc).equals(ns(backend)) || !matches(svc.path("metadata").path("labels"), labels)) {
                continue;
            }
            List<JsonNode> mcpPorts = new ArrayList<>();
            svc.path("spec").path("ports").forEach(p -> {
                if (MCP_APP_PROTOCOL.equals(p.path("appProtocol").asText())) {
                    mcpPorts.add(p);
                }
            });
            String path = svc.path("metadata").path("annotations").path(MCP_PATH_ANNOTATION).asText("/mcp");
            for (JsonNode port : mcpPorts) {
                // one server per MCP port; a second port gets its name into the server's name and prefix
                String suffix = mcpPorts.size() > 1 ? "-" + port.path("name").asText(port.path("port").asText()) : "";
                String url = serviceUrl(cache, svc, port, path);
                if (url == null) {
                    problem(problems, "Service " + ns(svc) + "/" + name(svc) + " selected by " + where
                            + " has no ready endpoint for port " + port.path("port").asText());
                    continue;
                }
                add(servers, names, new ServerRegistration(ns(svc) + "." + name(svc) + suffix, URI.create(url),
                        name(svc) + suffix + "_", Map.of(), where + " (Service " + name(svc) + ")"));
            }
        }
    }

    private static void add(List<ServerRegistration> servers, Set<String> names, ServerRegistration r) {
        if (names.add(r.name())) { // a Backend behind several routes is one set of servers
            servers.add(r);
        }
    }

    private void problem(Set<String> problems, String message) {
        problems.add(message);
        if (logged.add(message)) {
            LOG.warn("{}", message);
        }
    }

    private static boolean matches(JsonNode labels, JsonNode selector) {
        var it = selector.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!Objects.equals(labels.path(e.getKey()).asText(null), e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    static String ns(JsonNode o) { return o.path("metadata").path("namespace").asText(""); }

    static String name(JsonNode o) { return o.path("metadata").path("name").asText(""); }

    private static String text(JsonNode node, String field, String otherwise) {
        String v = node.path(field).asText("");
        return v.isEmpty() ? otherwise : v;
    }

    /** The watcher's caches as JSON, read once per reconcile. */
    private final class Cache {
        private final Map<Kind, List<JsonNode>> all = new HashMap<>();
        private final Map<Kind, Map<String, JsonNode>> byKey = new HashMap<>();
        /** What this reconcile converted or reused, by uid and resourceVersion: the next one reuses it. */
        private final Map<String, JsonNode> seen = new HashMap<>();

        List<JsonNode> all(Kind kind) {
            return all.computeIfAbsent(kind, k -> {
                List<JsonNode> out = new ArrayList<>();
                for (GenericKubernetesResource r : watcher.list(k)) {
                    String uid = r.getMetadata().getUid();
                    String version = r.getMetadata().getResourceVersion();
                    if (uid == null || version == null) {
                        out.add(json.valueToTree(r));
                        continue;
                    }
                    // an object that did not change since the last reconcile is not converted again
                    JsonNode node = converted.get(uid + '/' + version);
                    if (node == null) {
                        node = json.valueToTree(r);
                    }
                    seen.put(uid + '/' + version, node);
                    out.add(node);
                }
                out.sort(Comparator.comparing(KubernetesRegistrations::ns).thenComparing(KubernetesRegistrations::name));
                return out;
            });
        }

        JsonNode get(Kind kind, String namespace, String name) {
            return byKey.computeIfAbsent(kind, k -> {
                Map<String, JsonNode> m = new HashMap<>();
                all(k).forEach(o -> m.put(ns(o) + "/" + name(o), o));
                return m;
            }).get(namespace + "/" + name);
        }
    }
}
