package io.camelmcp.gateway.kubernetes;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * Writes the {@code Ready} condition and tool count of every MCPServerRegistration, the {@code Ready}
 * condition of every MCPGatewayExtension, and the {@code Ready} condition and resolved counts of every
 * MCPVirtualServer. Every replica computes the same status; only the one holding the
 * Lease writes it, and only what differs from what the object already says (no write loops, no churn).
 */
public class StatusWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    static final String REQUESTS = "seda:kubernetes-status?size=1&discardWhenFull=true";
    private static final Path NAMESPACE_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    private final KubernetesClient client;
    private final KubernetesWatcher watcher;
    private final KubernetesRegistrations registrations;
    private final ServerRegistry registry;
    private final Catalog catalog;
    private final io.camelmcp.gateway.federation.ServerCalls calls;
    private final KubernetesProperties props;
    private final ObjectMapper json;
    private final ProducerTemplate producer;
    private final KubernetesVirtualServers virtualServers;
    /** 3 read back from the API server is an int, 3 written here a long: both are the same number. */
    private static final java.util.Comparator<JsonNode> SAME_NUMBERS = (a, b) -> a.equals(b)
            || a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
    private volatile boolean leader;
    private CompletableFuture<?> election;

    public StatusWriter(KubernetesClient client, KubernetesWatcher watcher, KubernetesRegistrations registrations,
                        ServerRegistry registry, Catalog catalog, io.camelmcp.gateway.federation.ServerCalls calls,
                        KubernetesProperties props, ObjectMapper json, ProducerTemplate producer,
                        KubernetesVirtualServers virtualServers) {
        this.virtualServers = virtualServers;
        this.calls = calls;
        this.client = client;
        this.watcher = watcher;
        this.registrations = registrations;
        this.registry = registry;
        this.catalog = catalog;
        this.props = props;
        this.json = json;
        this.producer = producer;
    }

    public boolean leader() { return leader; }

    /** Joins the election for the status Lease; the winner writes status until it stops or loses the Lease. */
    public synchronized void start() {
        if (election != null) {
            return;
        }
        registry.addListener(snapshot -> requestWrite());
        registrations.onOutcome(outcome -> requestWrite());
        catalogVirtualServers().onChange(this::requestWrite);
        calls.onStateChange(this::requestWrite);
        KubernetesProperties.Lease lease = props.getLease();
        String identity = firstNonBlank(lease.getIdentity(), System.getenv("POD_NAME"), hostName());
        String namespace = firstNonBlank(lease.getNamespace(), System.getenv("POD_NAMESPACE"), podNamespace(), "default");
        var config = new LeaderElectionConfigBuilder()
                .withName(lease.getName())
                .withLock(new LeaseLock(namespace, lease.getName(), identity))
                .withLeaseDuration(lease.getDuration())
                .withRenewDeadline(lease.getRenewDeadline())
                .withRetryPeriod(lease.getRetryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leader = true;
                            LOG.info("This replica ({}) writes the status of MCP registrations (Lease {}/{})", identity, namespace, lease.getName());
                            requestWrite();
                        },
                        () -> {
                            leader = false;
                            LOG.info("This replica ({}) no longer writes status", identity);
                        },
                        newLeader -> LOG.debug("Status is written by {}", newLeader)))
                .build();
        election = client.leaderElector().withConfig(config).build().start();
    }

    /** Asks the kubernetes-status route for a write; requests made while one is queued are folded into it. */
    public void requestWrite() {
        if (!leader) {
            return;
        }
        try {
            producer.sendBody(REQUESTS, null);
        } catch (RuntimeException e) {
            LOG.debug("status write not requested (shutting down?): {}", e.toString());
        }
    }

    /** Brings every object's status in line with what the gateway serves. Run by the kubernetes-status route. */
    public void write() {
        if (!leader) {
            return;
        }
        KubernetesRegistrations.Outcome outcome = registrations.outcome();
        Map<String, GenericKubernetesResource> current = index(Kind.MCP_SERVER_REGISTRATION);
        RegistrySnapshot snapshot = registry.snapshot();
        for (KubernetesRegistrations.RegistrationState s : outcome.registrations()) {
            GenericKubernetesResource obj = current.get(s.namespace() + "/" + s.name());
            if (obj != null) {
                JsonNode before = json.valueToTree(obj).path("status");
                patch(Kind.MCP_SERVER_REGISTRATION, obj, before, registrationStatus(s, snapshot, before));
            }
        }
        Map<String, GenericKubernetesResource> extensions = index(Kind.MCP_GATEWAY_EXTENSION);
        for (KubernetesRegistrations.ExtensionState e : outcome.extensions()) {
            GenericKubernetesResource obj = extensions.get(e.namespace() + "/" + e.name());
            if (obj != null) {
                JsonNode before = json.valueToTree(obj).path("status");
                ObjectNode status = json.createObjectNode();
                status.set("conditions", ready(before, e.ready() ? "True" : "False", e.reason(), e.message(), e.generation()));
                status.put("observedGeneration", e.generation());
                patch(Kind.MCP_GATEWAY_EXTENSION, obj, before, status);
            }
        }
        Map<String, GenericKubernetesResource> virtual = index(Kind.MCP_VIRTUAL_SERVER);
        for (KubernetesVirtualServers.State v : virtualServers.states()) {
            GenericKubernetesResource obj = virtual.get(v.namespace() + "/" + v.name());
            if (obj != null) {
                JsonNode before = json.valueToTree(obj).path("status");
                patch(Kind.MCP_VIRTUAL_SERVER, obj, before, virtualServerStatus(v, before));
            }
        }
    }

    private io.camelmcp.gateway.federation.VirtualServers catalogVirtualServers() {
        return virtualServers.virtualServers();
    }

    /**
     * Ready with the counts it resolves to in the catalogue now; not Ready while a name it lists without a pattern
     * matches nothing (it serves the rest meanwhile), or when the resource cannot be read.
     */
    private ObjectNode virtualServerStatus(KubernetesVirtualServers.State v, JsonNode before) {
        String ready = "False";
        String reason = "Invalid";
        String message = v.problem();
        Catalog.Resolved resolved = null;
        io.camelmcp.gateway.federation.VirtualServer vs = v.served() == null ? null : catalogVirtualServers().find(v.served());
        if (v.problem() == null && vs == null) {
            message = "the name " + v.served() + " is already defined elsewhere";
        } else if (vs != null) {
            resolved = catalog.resolved(vs);
            String counts = resolved.tools() + " tools, " + resolved.prompts() + " prompts, " + resolved.resources()
                    + " resources, " + resolved.templates() + " templates";
            if (resolved.missing().isEmpty()) {
                ready = "True";
                reason = "Ready";
                message = "serving " + counts + " at /v/" + vs.name() + "/mcp and with X-Mcp-Virtualserver: " + vs.name();
            } else {
                reason = "ItemsNotFound";
                message = "serving " + counts + "; not in the catalogue: " + resolved.missing();
            }
        }
        ObjectNode status = json.createObjectNode();
        status.set("conditions", ready(before, ready, reason, message, v.generation()));
        status.put("resolvedTools", resolved == null ? 0 : resolved.tools());
        status.put("resolvedPrompts", resolved == null ? 0 : resolved.prompts());
        status.put("resolvedResources", resolved == null ? 0 : resolved.resources() + resolved.templates());
        status.put("observedGeneration", v.generation());
        return status;
    }

    private ObjectNode registrationStatus(KubernetesRegistrations.RegistrationState s, RegistrySnapshot snapshot,
                                          JsonNode before) {
        String ready = "False";
        String reason = s.reason();
        String message = s.message();
        int tools = 0;
        int resources = 0;
        if (s.server() != null) {
            RegistrySnapshot.Entry entry = snapshot.server(s.server());
            ServerStatus st = entry == null ? ServerStatus.pending() : entry.status();
            Catalog.Report report = catalog.report(s.server());
            if (ServerStatus.REASON_INVALID.equals(st.reason())) {
                reason = st.message().contains("prefix") ? "PrefixConflict" : "InvalidRegistration";
                message = st.message();
            } else if (ServerStatus.REASON_PENDING.equals(st.reason())) {
                ready = "Unknown";
                reason = "Pending";
                message = "connecting to the server and reading its tools";
            } else if (!st.ready()) {
                reason = st.reason();
                message = st.message();
            } else {
                tools = report.tools();
                resources = report.resources();
                if (!report.conflicts().isEmpty()) {
                    reason = "ToolConflict";
                    message = report.describe();
                } else {
                    ready = "True";
                    reason = "Ready";
                    message = "serving " + report.describe();
                }
            }
        }
        ObjectNode status = json.createObjectNode();
        status.set("conditions", ready(before, ready, reason, message, s.generation()));
        status.put("discoveredTools", tools);
        status.put("discoveredResources", resources);
        String revision = s.server() == null ? null : catalog.protocolVersion(s.server());
        if (revision != null) {
            status.put("protocolVersion", revision);
        }
        String breaker = s.server() == null ? null : calls.breakerState(s.server());
        if (breaker != null) {
            status.put("circuitBreaker", breaker); // this replica's view: each has its own breakers
        }
        status.put("observedGeneration", s.generation());
        return status;
    }

    /** The Ready condition, keeping its lastTransitionTime while its status stays the same as in {@code current}. */
    private ArrayNode ready(JsonNode current, String status, String reason, String message, long generation) {
        JsonNode before = null;
        for (JsonNode c : current.path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                before = c;
            }
        }
        ObjectNode c = json.createObjectNode();
        c.put("type", "Ready");
        c.put("status", status);
        c.put("reason", reason);
        c.put("message", message == null ? "" : message);
        c.put("observedGeneration", generation);
        c.put("lastTransitionTime", before != null && status.equals(before.path("status").asText())
                ? before.path("lastTransitionTime").asText()
                : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return json.createArrayNode().add(c);
    }

    private void patch(Kind kind, GenericKubernetesResource obj, JsonNode before, ObjectNode status) {
        if (status.equals(SAME_NUMBERS, before)) {
            return;
        }
        String ns = obj.getMetadata().getNamespace();
        String name = obj.getMetadata().getName();
        LOG.debug("status of {} {}/{} was {}, is {}", kind.kind(), ns, name, before, status);
        try {
            // to the version the object was read in: the only one it is in on a server that keeps versions apart
            client.genericKubernetesResources(kind.contextOf(obj.getApiVersion())).inNamespace(ns).withName(name).subresource("status")
                    // a JSON Patch replacing the whole status: a merge patch's handling of the conditions list
                    // differs between API servers (the fabric8 mock merges list items, kube-apiserver replaces)
                    .patch(PatchContext.of(PatchType.JSON), json.createArrayNode().add(json.createObjectNode()
                            .put("op", "add").put("path", "/status").set("value", status)).toString());
            JsonNode c = status.path("conditions").path(0);
            LOG.info("{} {}/{}: Ready={} {}: {}", kind.kind(), ns, name, c.path("status").asText(),
                    c.path("reason").asText(), c.path("message").asText());
        } catch (KubernetesClientException e) {
            // deleted meanwhile, or the API server is away: the next write (event, probe or timer) tries again
            LOG.warn("Could not write the status of {} {}/{}: {}", kind.kind(), ns, name, e.getMessage());
        }
    }

    private Map<String, GenericKubernetesResource> index(Kind kind) {
        Map<String, GenericKubernetesResource> m = new HashMap<>();
        for (GenericKubernetesResource r : watcher.list(kind)) {
            m.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r);
        }
        return m;
    }

    @Override
    public synchronized void close() {
        if (election != null) {
            election.cancel(true); // releases the Lease so another replica takes over at once
            election = null;
        }
        leader = false;
    }

    private static String podNamespace() {
        try {
            return Files.isReadable(NAMESPACE_FILE) ? Files.readString(NAMESPACE_FILE).strip() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "camel-mcp-gateway-" + ProcessHandle.current().pid();
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

}
