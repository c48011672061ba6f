package io.camelmcp.gateway.federation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ResourceUris;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.UpstreamSession;
import io.camelmcp.gateway.upstream.Paging;
import io.camelmcp.gateway.upstream.SseEvent;
import io.camelmcp.gateway.upstream.SseReader;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.UpstreamReply;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * The federated catalogue: each server's tools, prompts, resources and templates, read through a session of
 * the gateway's own and cached; and the merged view clients list, recomputed only when a server's lists or
 * the registry change, so that a list served from cache touches no network and no lock.
 *
 * <p>Merge rules: items are ordered by server name, then by their exposed name (or URI). A tool or prompt
 * name that two servers would both expose belongs to the server with the longer prefix (the one calls are
 * routed to); the other server's item is left out and reported as a conflict, never silently shadowed.
 * A server that stops answering keeps its cached lists served for the grace period.
 */
public class Catalog {

    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    /**
     * One exposed item: the server it belongs to, the key clients know it by, and the exposed copy, serialized
     * once when the catalogue is merged: a page is then a copy of ready bytes, not a walk over 500 trees.
     */
    public record Item(String server, String key, RawValue json) {
        static Item of(String server, String key, ObjectNode node, JsonRpc codec) {
            return new Item(server, key, new RawValue(new SerializedString(
                    new String(codec.write(node), StandardCharsets.UTF_8))));
        }

        /** The item's JSON text, as {@link #of} wrote it. */
        String text() {
            return ((SerializedString) json.rawValue()).getValue();
        }
    }

    /** What the merge made of one server's lists. */
    public record Report(int tools, List<String> invalid, List<String> conflicts, List<String> filtered,
                         int prompts, int resources, int templates) {
        static final Report NONE = new Report(0, List.of(), List.of(), List.of(), 0, 0, 0);

        /** One line for status and logs, e.g. "13 tools, 4 prompts, 7 resources, 2 templates; name conflicts: [...]". */
        public String describe() {
            StringBuilder b = new StringBuilder().append(tools).append(" tools");
            if (prompts > 0) {
                b.append(", ").append(prompts).append(" prompts");
            }
            if (resources > 0 || templates > 0) {
                b.append(", ").append(resources).append(" resources, ").append(templates).append(" templates");
            }
            if (!filtered.isEmpty()) {
                b.append("; filtered out: ").append(filtered.size());
            }
            if (!invalid.isEmpty()) {
                b.append("; not exposed because the prefixed name would be invalid: ").append(invalid);
            }
            if (!conflicts.isEmpty()) {
                b.append("; name conflicts: ").append(conflicts);
            }
            return b.toString();
        }
    }

    /**
     * One view merged: its lists, what the merge made of each server, and each virtual server's subset of the lists,
     * resolved with the merge so that a virtual server's page costs what any page costs.
     */
    record Merged(Map<ListKind, List<Item>> lists, Map<String, Report> reports, Map<String, Subset> subsets,
                  Map<ListKind, byte[]> wholeResults) {
        static final Merged EMPTY = new Merged(Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** A virtual server's lists, as resolved from the merged ones ({@code of}: the definition they were cut by). */
    record Subset(VirtualServer of, Map<ListKind, List<Item>> lists) {}

    /** How many items a virtual server resolves to (the base view), and the names it lists that match nothing. */
    public record Resolved(int tools, int prompts, int resources, int templates, List<String> missing) {}

    /** A server that a list request must read first, in the view (capability form) of the requesting client. */
    public record Cold(RegistrySnapshot.Entry server, String view) {}

    /** The view of clients that declare none of the relayed capabilities; status and reports come from it. */
    public static final String BASE = "{}";

    private static final Comparator<Item> ORDER = Comparator.comparing(Item::server).thenComparing(Item::key);

    private final ServerRegistry registry;
    private final UpstreamSessions sessions;
    private final UpstreamClient client;
    private final JsonRpc json;
    private final Duration listTimeout;
    private final Duration gracePeriod;
    private final int pageSize;
    /**
     * Servers list differently for clients with different capabilities (server-everything adds its
     * elicitation, sampling and roots tools only for clients that support them). So the catalogue keeps one
     * view per form of relayed capabilities seen, each read through a session declaring exactly that form.
     * Keys below are "server\nview".
     */
    private final Map<String, JsonNode> views = new ConcurrentHashMap<>(Map.of(BASE, JsonNodeFactory.instance.objectNode()));
    private final Map<String, ServerCatalog> catalogs = new ConcurrentHashMap<>();
    /**
     * Per view, the registry snapshot for which no server was cold: the steady state's list answers without looking
     * at every server again (with 50 servers that walk was a few per cent of a cached list's CPU). A new snapshot
     * (any registration or status change) or a forgotten list makes it ask again.
     */
    private final Map<String, RegistrySnapshot> warm = new ConcurrentHashMap<>();
    private final Map<String, UpstreamSession> management = new ConcurrentHashMap<>();
    private final Map<String, Thread> listeners = new ConcurrentHashMap<>();
    private final Map<String, UpstreamReply> streams = new ConcurrentHashMap<>();
    private final AtomicReference<Map<String, Merged>> merged = new AtomicReference<>(Map.of());
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    /** What the last merges served: cached lists (server and view) included or not, to tell whether to merge again. */
    private volatile Map<String, Boolean> mergedInclusion = Map.of();
    private volatile Consumer<ServerRegistration> onListChanged = r -> { };
    private volatile Consumer<Set<ListKind>> onMergedChanged = k -> { };
    private volatile VirtualServers virtualServers = new VirtualServers(List.of());

    public Catalog(ServerRegistry registry, UpstreamSessions sessions, UpstreamClient client, JsonRpc json,
                   Duration listTimeout, Duration gracePeriod, int pageSize) {
        this.registry = registry;
        this.sessions = sessions;
        this.client = client;
        this.json = json;
        this.listTimeout = listTimeout;
        this.gracePeriod = gracePeriod;
        this.pageSize = pageSize;
        registry.addListener(this::registryChanged);
    }

    /** Who to tell when a server says its lists changed (the discovery service re-reads them). */
    public void onListChanged(Consumer<ServerRegistration> listener) {
        this.onListChanged = listener;
    }

    /** The virtual servers whose subsets each merge resolves; resolved again whenever they change. */
    public void virtualServers(VirtualServers virtualServers) {
        this.virtualServers = virtualServers;
        virtualServers.onChange(this::remerge);
        remerge();
    }

    /** Who to tell when what clients see changed (the gateway announces list_changed to them). */
    public void onMergedChanged(Consumer<Set<ListKind>> listener) {
        this.onMergedChanged = listener;
    }

    // ---- reading servers -------------------------------------------------------------------------------

    /** The view a client belongs to: the canonical JSON of the capabilities relayed for it. */
    public String viewOf(ClientContext gs) {
        return sessions.upstreamCapabilities(gs).toString();
    }

    /**
     * A probe's read: every list of a server in every view (all pages), in sessions of the gateway's own, then one
     * merge, with the server counted as ready (it answered); returns what the merge made of it. The registry then
     * records the probe's status, and that does not merge again unless it changes what is served
     * ({@link #registryChanged}).
     */
    public Report probe(ServerRegistration server) throws UpstreamException {
        read(server, BASE);
        for (String view : List.copyOf(views.keySet())) {
            if (!view.equals(BASE)) {
                try {
                    read(server, view);
                } catch (UpstreamException e) {
                    LOG.debug("Reading '{}' for clients with {} failed: {}", server.name(), view, e.getMessage());
                }
            }
        }
        RegistrySnapshot.Entry e = registry.snapshot().server(server.name());
        ServerStatus answered = new ServerStatus(true, ServerStatus.REASON_READY, "", 0, Instant.now());
        remerge(null, e != null && e.registration().equals(server)
                ? registry.snapshot().withStatus(server.name(), answered) : null); // once for all views
        return report(server.name());
    }

    /**
     * Reads one view of a server into the cache, without merging: a fan-out reads many servers at once and
     * merges once after them ({@link #mergeRead}), not once per server under the merge lock.
     */
    public ServerCatalog fetchView(ServerRegistration server, String view) throws UpstreamException {
        return read(server, view);
    }

    /**
     * After a fan-out: what it read (the names of the servers, in the client's view) enters the merged catalogue,
     * in one merge of that view; the other views did not change.
     */
    public void mergeRead(@org.apache.camel.Body Object read, @ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        // a base-view read is a probe, which merged what it read itself (null in the list)
        if (read instanceof List<?> servers && servers.stream().anyMatch(java.util.Objects::nonNull)) {
            remerge(Set.of(viewOf(gs)));
        }
    }

    private ServerCatalog read(ServerRegistration server, String view) throws UpstreamException {
        String key = key(server.name(), view);
        ServerCatalog catalog = inOwnSession(server, view, listTimeout, (session, renewed) -> read(server, session, key,
                views.getOrDefault(view, json.object())));
        catalogs.put(key, catalog);
        return catalog;
    }

    /** A call in one of the gateway's own sessions; told whether the session is a new one after the server forgot it. */
    private interface InOwnSession<T> {
        T call(UpstreamSession session, boolean renewed) throws UpstreamException;
    }

    /**
     * Runs {@code call} in the gateway's own session of this view; a server that forgot the session (404, or 400 from
     * servers that answer so) gets one new session and the call once more. Any other failure drops the session.
     */
    private <T> T inOwnSession(ServerRegistration server, String view, Duration timeout, InOwnSession<T> call)
            throws UpstreamException {
        String key = key(server.name(), view);
        UpstreamSession used = null;
        try {
            used = managementSession(server, view, timeout);
            return call.call(used, false);
        } catch (UpstreamException e) {
            dropManagement(key);
            if (e.httpStatus() != 404 && e.httpStatus() != 400) {
                throw e;
            }
            if (e.httpStatus() == 400 && UpstreamSessions.isModern(used)) {
                sessions.eras().forget(server); // a 2026-07-28 server that refuses a request may have changed era
            }
            return call.call(managementSession(server, view, timeout), true);
        }
    }

    /**
     * A health check between reads: an MCP {@code ping} in the gateway's own session (base view), within
     * {@code timeout}. A server that forgot the session gets one new session, as a read does; the answer says so (true),
     * since such a server was probably restarted and its lists may have changed. Any JSON-RPC answer counts as alive.
     */
    public boolean ping(ServerRegistration server, Duration timeout) throws UpstreamException {
        return inOwnSession(server, BASE, timeout, (session, renewed) -> {
            ping(server, session, timeout);
            return renewed;
        });
    }

    private void ping(ServerRegistration server, UpstreamSession session, Duration timeout) throws UpstreamException {
        if (UpstreamSessions.isModern(session)) {
            // 2026-07-28 has no ping: server/discover is the health check, and says whether the server is still modern
            if (!sessions.eras().discover(server, timeout).modern()) {
                throw new UpstreamException(server.name(), "no longer answers server/discover as a 2026-07-28 server", 400, null);
            }
            return;
        }
        ObjectNode req = JsonRpc.request(sessions.nextId("ping"), "ping");
        sessions.readResponse(server, client.postIdempotent(server, session, json.write(req), timeout), req.get("id"));
    }

    /**
     * The protocol revision a server speaks, as far as the gateway knows: {@code 2026-07-28} for a server that
     * answered server/discover as a modern one, else the revision its initialize negotiated; null before it answered.
     */
    public String protocolVersion(String server) {
        return sessions.eras().protocolVersion(server);
    }

    private static String key(String server, String view) {
        return server + '\n' + view;
    }

    private static String serverOf(String key) {
        return key.substring(0, key.indexOf('\n'));
    }

    private ServerCatalog read(ServerRegistration server, UpstreamSession session, String key, JsonNode viewCaps)
            throws UpstreamException {
        JsonNode caps = session.capabilities() == null ? json.object() : session.capabilities();
        List<ObjectNode> tools = caps.has("tools") ? list(server, session, ListKind.TOOLS, viewCaps) : List.of();
        List<ObjectNode> prompts = caps.has("prompts") ? list(server, session, ListKind.PROMPTS, viewCaps) : List.of();
        List<ObjectNode> resources = caps.has("resources") ? list(server, session, ListKind.RESOURCES, viewCaps) : List.of();
        List<ObjectNode> templates = caps.has("resources") ? list(server, session, ListKind.TEMPLATES, viewCaps) : List.of();
        if (key.equals(key(server.name(), BASE))) {
            // one listener per server: a list change re-reads every view, so other views' sessions need no stream
            listen(server, session, caps, key);
        }
        return new ServerCatalog(server, caps, tools, prompts, resources, templates, Instant.now());
    }

    /** A list, all pages; from a modern server with the envelope of the view's capabilities (its items hold no 2026-only members). */
    private List<ObjectNode> list(ServerRegistration server, UpstreamSession session, ListKind kind, JsonNode viewCaps)
            throws UpstreamException {
        return Paging.listAll(server.name(), kind.method, kind.field, sessions,
                req -> sessions.readResponse(server, sessions.post(server, session, req, viewCaps, listTimeout), req.get("id")));
    }

    private UpstreamSession managementSession(ServerRegistration server, String view, Duration timeout)
            throws UpstreamException {
        String key = key(server.name(), view);
        UpstreamSession s = management.get(key);
        if (s == null) {
            s = sessions.open(server, views.getOrDefault(view, json.object()).deepCopy(), null, timeout);
            UpstreamSession raced = management.putIfAbsent(key, s);
            if (raced != null) {
                sessions.closeQuietly(server, List.of(s));
                s = raced;
            }
        }
        return s;
    }

    /**
     * Ends the gateway's own upstream sessions and their streams: on shutdown this runs before the web server
     * drains, so that no stream of ours (e.g. to a demo server in this process) holds the drain up.
     */
    public void close() {
        for (String key : List.copyOf(management.keySet())) {
            dropManagement(key);
        }
    }

    private void dropManagement(String key) {
        UpstreamSession s = management.remove(key);
        Thread listener = listeners.remove(key);
        if (listener != null) {
            listener.interrupt();
        }
        UpstreamReply stream = streams.remove(key);
        if (stream != null) {
            stream.discard();
        }
        RegistrySnapshot.Entry e = registry.snapshot().server(serverOf(key));
        if (s != null && e != null) {
            sessions.closeQuietly(e.registration(), List.of(s));
        }
    }

    /**
     * Keeps the session's GET stream open when the server can announce list changes, and re-reads the
     * server's lists on each {@code notifications/.../list_changed}. A 2026-07-28 server has no GET stream: its
     * announcements come on a {@code subscriptions/listen} request's stream instead.
     */
    private void listen(ServerRegistration server, UpstreamSession session, JsonNode caps, String key) {
        boolean announces = caps.path("tools").path("listChanged").asBoolean(false)
                || caps.path("prompts").path("listChanged").asBoolean(false)
                || caps.path("resources").path("listChanged").asBoolean(false);
        boolean modern = UpstreamSessions.isModern(session);
        if (!announces || session.sessionId() == null && !modern) {
            return;
        }
        Thread running = listeners.get(key);
        if (running != null && running.isAlive()) {
            return;
        }
        Thread t = Thread.ofVirtual().name("mcp-listen-" + server.name()).unstarted(() -> {
            try {
                UpstreamReply reply = modern ? sessions.post(server, session, listenRequest(caps), json.object(), listTimeout)
                        : client.openStream(server, session, listTimeout);
                if (reply.status() != 200 || !reply.isEventStream()) {
                    reply.discard();
                    return; // the server offers no stream: changes are seen at the next refresh
                }
                streams.put(key, reply);
                try (SseReader events = new SseReader(reply.body())) {
                    SseEvent e;
                    while ((e = events.next()) != null && !Thread.currentThread().isInterrupted()) {
                        if (!e.isMessage()) {
                            continue;
                        }
                        JsonNode msg = json.read(e.data());
                        String method = msg.path("method").asText("");
                        if (method.endsWith("/list_changed")) {
                            LOG.info("MCP server '{}' announced {}", server.name(), method);
                            onListChanged.accept(server);
                        } else if (msg.has("id") && !method.isEmpty()) {
                            // e.g. roots/list: the gateway's own session has no user to ask
                            client.post(server, session, json.write(json.error(msg.get("id"), ErrorCodes.METHOD_NOT_FOUND,
                                    "The gateway's catalogue session does not answer " + method, null)), listTimeout).discard();
                        }
                    }
                }
            } catch (Exception e) {
                LOG.debug("List-change stream of '{}' ended: {}", server.name(), e.toString());
            } finally {
                listeners.remove(key, Thread.currentThread());
                UpstreamReply mine = streams.remove(key);
                if (mine != null) {
                    mine.discard();
                }
            }
        });
        if (listeners.putIfAbsent(key, t) == null) {
            t.start();
        }
    }

    /** subscriptions/listen for the list changes a 2026-07-28 server announces. */
    private ObjectNode listenRequest(JsonNode caps) {
        ObjectNode req = JsonRpc.request(sessions.nextId("listen"), "subscriptions/listen");
        ObjectNode filter = req.putObject("params").putObject("notifications");
        for (String kind : List.of("tools", "prompts", "resources")) {
            if (caps.path(kind).path("listChanged").asBoolean(false)) {
                filter.put(kind + "ListChanged", true);
            }
        }
        return req;
    }

    /**
     * The registry changed: the lists of servers that are gone or registered anew are forgotten, and the catalogue is
     * merged again only if that, or a status, changes which cached lists are served.
     */
    private void registryChanged(RegistrySnapshot told) {
        // listeners may be told concurrently, an older snapshot last: what counts is the registry's current one
        RegistrySnapshot snapshot = registry.snapshot();
        sessions.eras().retain(snapshot.servers().stream().map(RegistrySnapshot.Entry::name)
                .collect(java.util.stream.Collectors.toSet())); // the era of a server gone is forgotten with it
        sessions.retainBridged(snapshot.servers().stream().collect(java.util.stream.Collectors.toMap(
                RegistrySnapshot.Entry::name, e -> e.registration().transport().kind(), (a, b) -> a)));
        boolean forgot = false;
        for (String key : List.copyOf(catalogs.keySet())) {
            RegistrySnapshot.Entry e = snapshot.server(serverOf(key));
            ServerCatalog c = catalogs.get(key);
            if (e == null || c == null || !e.registration().equals(c.registration())) {
                forgot |= catalogs.remove(key) != null;
            }
        }
        if (forgot) {
            warm.clear();
        }
        for (String key : List.copyOf(management.keySet())) {
            RegistrySnapshot.Entry e = snapshot.server(serverOf(key));
            if (e == null || ServerStatus.REASON_INVALID.equals(e.status().reason()) || e.registration().held()) {
                dropManagement(key);
            }
        }
        if (forgot || !inclusion(snapshot, Instant.now(), null).equals(mergedInclusion)) {
            remerge();
        }
    }

    /** Which cached lists (server and view) a merge with this snapshot serves; views: null for all. */
    private Map<String, Boolean> inclusion(RegistrySnapshot snap, Instant now, Set<String> views) {
        Map<String, Boolean> out = new HashMap<>();
        catalogs.forEach((key, c) -> {
            if (views == null || views.contains(key.substring(key.indexOf('\n') + 1))) {
                out.put(key, included(snap.server(serverOf(key)), c, now));
            }
        });
        return out;
    }

    /** Whether a server's cached lists are served: registered as read, and ready, pending or failing for a short time. */
    private boolean included(RegistrySnapshot.Entry e, ServerCatalog c, Instant now) {
        if (e == null || c == null || !c.registration().equals(e.registration())
                || ServerStatus.REASON_INVALID.equals(e.status().reason()) || e.registration().held()) {
            return false;
        }
        return e.ready() || ServerStatus.REASON_PENDING.equals(e.status().reason())
                || c.fetchedAt().isAfter(now.minus(gracePeriod));
    }

    // ---- the merged view -------------------------------------------------------------------------------

    /** Recomputes the merged views from the registry and the cached server lists. */
    public void remerge() {
        remerge(null);
    }

    /** Recomputes these merged views (null: all of them); the others stay as they are. */
    private void remerge(Set<String> only) {
        remerge(only, null);
    }

    /** The same, with this snapshot instead of the registry's (null: the registry's). */
    private synchronized void remerge(Set<String> only, RegistrySnapshot with) {
        RegistrySnapshot snap = with != null ? with : registry.snapshot();
        Instant now = Instant.now();
        Map<String, Boolean> inclusion = new HashMap<>(mergedInclusion);
        inclusion.keySet().removeIf(k -> !catalogs.containsKey(k) || only == null);
        inclusion.putAll(inclusion(snap, now, only));
        mergedInclusion = Map.copyOf(inclusion);
        Map<String, Merged> previous = merged.get();
        Map<String, Merged> next = new HashMap<>();
        Map<String, Merged> all = new HashMap<>();
        for (String view : views.keySet()) {
            if (only == null || only.contains(view) || !previous.containsKey(view)) {
                next.put(view, merge(snap, now, view));
            } else {
                all.put(view, previous.get(view));
            }
        }
        all.putAll(next);
        merged.set(Map.copyOf(all));
        Set<ListKind> changed = java.util.EnumSet.noneOf(ListKind.class);
        next.forEach((view, m) -> {
            Merged before = previous.get(view);
            if (before == null || before.lists().isEmpty()) {
                return; // a first view is not a change anyone was told about before
            }
            for (ListKind k : ListKind.values()) {
                if (!before.lists().getOrDefault(k, List.of()).equals(m.lists().get(k))) {
                    changed.add(k);
                }
            }
        });
        if (!changed.isEmpty()) {
            onMergedChanged.accept(changed);
        }
    }

    /** One merged list as clients that declare none of the relayed capabilities are served it now, in order. */
    public List<Item> served(ListKind kind) {
        return merged.get().getOrDefault(BASE, Merged.EMPTY).lists().getOrDefault(kind, List.of());
    }

    /**
     * One merged list as clients of this view (see {@link #viewOf}) are served it now, in order; the base view's while
     * that view has not been merged yet (its clients' first list reads it).
     */
    public List<Item> served(ListKind kind, String view) {
        Map<String, Merged> all = merged.get();
        Merged m = all.get(view);
        return (m != null ? m : all.getOrDefault(BASE, Merged.EMPTY)).lists().getOrDefault(kind, List.of());
    }

    public Report report(String server) {
        return merged.get().getOrDefault(BASE, Merged.EMPTY).reports().getOrDefault(server, Report.NONE);
    }

    /** The ready servers that declared a capability (e.g. "logging") when the gateway last read them. */
    public List<RegistrySnapshot.Entry> serversWith(String capability) {
        return serversWhose(caps -> caps.has(capability));
    }

    /** The ready servers that declared a 2026-07-28 extension (their server/discover's capabilities.extensions). */
    public List<RegistrySnapshot.Entry> serversWithExtension(String extension) {
        return serversWhose(caps -> caps.path("extensions").has(extension));
    }

    private List<RegistrySnapshot.Entry> serversWhose(java.util.function.Predicate<JsonNode> capabilities) {
        List<RegistrySnapshot.Entry> out = new ArrayList<>();
        for (RegistrySnapshot.Entry e : registry.snapshot().readyServers()) {
            ServerCatalog c = catalogs.get(key(e.name(), BASE));
            if (c != null && c.registration().equals(e.registration()) && capabilities.test(c.capabilities())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Whether a server has lists in the cache (used for its status and the cold start of a list). */
    public boolean has(ServerRegistration server, String view) {
        ServerCatalog c = catalogs.get(key(server.name(), view));
        return c != null && c.registration().equals(server);
    }

    private Merged merge(RegistrySnapshot snap, Instant now, String view) {
        List<RegistrySnapshot.Entry> included = new ArrayList<>();
        for (RegistrySnapshot.Entry e : snap.servers()) {
            if (included(e, catalogs.get(key(e.name(), view)), now)) {
                included.add(e);
            }
        }
        // longest prefix first: on a clash it owns the name, as it owns the calls
        included.sort(Comparator.comparingInt((RegistrySnapshot.Entry e) -> e.prefix().length()).reversed()
                .thenComparing(RegistrySnapshot.Entry::name));

        Map<ListKind, List<Item>> lists = new EnumMap<>(ListKind.class);
        for (ListKind k : ListKind.values()) {
            lists.put(k, new ArrayList<>());
        }
        Map<String, String> toolOwner = new HashMap<>();
        Map<String, String> promptOwner = new HashMap<>();
        Map<String, Report> reports = new HashMap<>();
        for (RegistrySnapshot.Entry e : included) {
            ServerCatalog c = catalogs.get(key(e.name(), view));
            List<String> invalid = new ArrayList<>();
            List<String> conflicts = new ArrayList<>();
            List<String> filtered = new ArrayList<>();
            int tools = 0;
            for (ObjectNode t : c.tools()) {
                String name = t.path("name").asText("");
                if (!e.registration().tools().allows(name)) {
                    filtered.add(name);
                    continue;
                }
                String exposed = ToolNames.exposed(e.prefix(), name);
                if (exposed == null) {
                    invalid.add(name);
                    warnOnce(e.name(), "invalid:" + name, "Tool '{}' of MCP server '{}' is not exposed: '{}' is not a valid tool name",
                            name, e.name(), e.prefix() + name);
                    continue;
                }
                String owner = toolOwner.putIfAbsent(exposed, e.name());
                if (owner != null) {
                    conflicts.add(name + " (as " + exposed + ", served by '" + owner + "')");
                    warnOnce(e.name(), "conflict:" + name, "Tool '{}' of MCP server '{}' is not exposed: '{}' is already served by '{}'",
                            name, e.name(), exposed, owner);
                    continue;
                }
                lists.get(ListKind.TOOLS).add(Item.of(e.name(), exposed, renamed(t, "name", exposed), json));
                tools++;
            }
            int prompts = 0;
            for (ObjectNode p : c.prompts()) {
                String name = p.path("name").asText("");
                String exposed = e.prefix() + name;
                if (name.isEmpty()) {
                    continue;
                }
                String owner = promptOwner.putIfAbsent(exposed, e.name());
                if (owner != null) {
                    conflicts.add("prompt " + name + " (as " + exposed + ", served by '" + owner + "')");
                    warnOnce(e.name(), "prompt-conflict:" + name, "Prompt '{}' of MCP server '{}' is not exposed: '{}' is already served by '{}'",
                            name, e.name(), exposed, owner);
                    continue;
                }
                lists.get(ListKind.PROMPTS).add(Item.of(e.name(), exposed, renamed(p, "name", exposed), json));
                prompts++;
            }
            int resources = addByUri(lists.get(ListKind.RESOURCES), e, c.resources(), "uri");
            int templates = addByUri(lists.get(ListKind.TEMPLATES), e, c.templates(), "uriTemplate");
            reports.put(e.name(), new Report(tools, invalid, conflicts, filtered, prompts, resources, templates));
        }
        Map<ListKind, List<Item>> frozen = new EnumMap<>(ListKind.class);
        lists.forEach((k, v) -> {
            v.sort(ORDER);
            frozen.put(k, List.copyOf(v));
        });
        Map<String, Subset> subsets = new HashMap<>();
        for (VirtualServer vs : virtualServers.all().values()) {
            subsets.put(vs.name(), subset(vs, frozen));
        }
        return new Merged(frozen, Map.copyOf(reports), Map.copyOf(subsets), wholeResults(frozen));
    }

    /**
     * Each list that fits one page, as the bytes of its whole result ({@code {"tools":[...]}}), built with the merge:
     * the common page (no cursor, filter or virtual server) is then one copy of ready bytes around the request's id,
     * not a tree of 500 raw values written again for every request (a third of the cost of a cached list over 50
     * upstreams, bench/README).
     */
    private Map<ListKind, byte[]> wholeResults(Map<ListKind, List<Item>> lists) {
        Map<ListKind, byte[]> out = new EnumMap<>(ListKind.class);
        lists.forEach((kind, items) -> {
            if (pageSize > 0 && items.size() > pageSize) {
                return;
            }
            StringBuilder b = new StringBuilder(items.size() * 256).append("{\"").append(kind.field).append("\":[");
            for (int i = 0; i < items.size(); i++) {
                b.append(i == 0 ? "" : ",").append(items.get(i).text());
            }
            out.put(kind, b.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        });
        return Map.copyOf(out);
    }

    private static final byte[] RESULT_HEAD = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESULT_MID = ",\"result\":".getBytes(StandardCharsets.UTF_8);

    /** The JSON-RPC response to {@code id} around a result already written. */
    private byte[] response(JsonNode id, byte[] result) {
        byte[] idBytes = json.write(id);
        byte[] out = new byte[RESULT_HEAD.length + idBytes.length + RESULT_MID.length + result.length + 1];
        int at = 0;
        for (byte[] part : new byte[][] {RESULT_HEAD, idBytes, RESULT_MID, result}) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        out[at] = '}';
        return out;
    }

    private static Subset subset(VirtualServer vs, Map<ListKind, List<Item>> lists) {
        Map<ListKind, List<Item>> out = new EnumMap<>(ListKind.class);
        lists.forEach((k, items) -> out.put(k, items.stream().filter(i -> vs.shows(k, i.key())).toList()));
        return new Subset(vs, out);
    }

    /** A virtual server's lists in one view: resolved by the last merge, or now if it was defined since. */
    private static Map<ListKind, List<Item>> listsOf(Merged m, VirtualServer vs) {
        Subset s = m.subsets().get(vs.name());
        return s != null && s.of() == vs ? s.lists() : subset(vs, m.lists()).lists();
    }

    /**
     * What a virtual server resolves to now, in the base view (as status and reports count): its items, and the names
     * and URIs it lists without a {@code *} that match no item (a typo, or a server not read yet).
     */
    public Resolved resolved(VirtualServer vs) {
        Map<ListKind, List<Item>> lists = listsOf(merged.get().getOrDefault(BASE, Merged.EMPTY), vs);
        List<String> missing = new ArrayList<>();
        VirtualServer.Definition d = vs.definition();
        missing(d.tools(), lists, List.of(ListKind.TOOLS), missing);
        missing(d.prompts(), lists, List.of(ListKind.PROMPTS), missing);
        missing(d.resources(), lists, List.of(ListKind.RESOURCES, ListKind.TEMPLATES), missing);
        return new Resolved(lists.getOrDefault(ListKind.TOOLS, List.of()).size(),
                lists.getOrDefault(ListKind.PROMPTS, List.of()).size(),
                lists.getOrDefault(ListKind.RESOURCES, List.of()).size(),
                lists.getOrDefault(ListKind.TEMPLATES, List.of()).size(), List.copyOf(missing));
    }

    private static void missing(List<String> listed, Map<ListKind, List<Item>> lists, List<ListKind> kinds,
                                List<String> out) {
        if (listed == null) {
            return;
        }
        Set<String> keys = new HashSet<>();
        kinds.forEach(k -> lists.getOrDefault(k, List.of()).forEach(i -> keys.add(i.key())));
        for (String name : listed) {
            if (name != null && !name.isEmpty() && name.indexOf('*') < 0 && !keys.contains(name)) {
                out.add(name);
            }
        }
    }

    private int addByUri(List<Item> out, RegistrySnapshot.Entry e, List<ObjectNode> items, String field) {
        Set<String> seen = new HashSet<>();
        int n = 0;
        for (ObjectNode item : items) {
            String uri = item.path(field).asText("");
            if (uri.isEmpty() || !seen.add(uri)) {
                continue;
            }
            String exposed = ResourceUris.expose(e, uri);
            out.add(Item.of(e.name(), exposed, renamed(item, field, exposed), json));
            n++;
        }
        return n;
    }

    private static ObjectNode renamed(ObjectNode original, String field, String value) {
        if (original.path(field).asText("").equals(value)) {
            return original; // transparent mode: the upstream's own object, no copy
        }
        ObjectNode copy = original.deepCopy();
        copy.set(field, TextNode.valueOf(value));
        return copy;
    }

    private void warnOnce(String server, String what, String format, Object... args) {
        if (reported.add(server + '\n' + what)) {
            LOG.warn(format, args);
        }
    }

    // ---- the list routes' steps ------------------------------------------------------------------------

    /**
     * Servers whose lists are not cached yet for this client's view but may be served: read during this
     * request (cold start, or the first client of a new capability form).
     */
    public List<Cold> coldServers(@ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        String view = viewOf(gs);
        RegistrySnapshot snapshot = registry.snapshot();
        if (warm.get(view) == snapshot) {
            return List.of();
        }
        views.computeIfAbsent(view, v -> sessions.upstreamCapabilities(gs));
        List<Cold> cold = new ArrayList<>();
        for (RegistrySnapshot.Entry e : snapshot.servers()) {
            String reason = e.status().reason();
            if ((e.ready() || ServerStatus.REASON_PENDING.equals(reason)) && !has(e.registration(), view)) {
                cold.add(new Cold(e, view));
            }
        }
        if (cold.isEmpty()) {
            warm.put(view, snapshot);
        }
        return cold;
    }

    /**
     * One page of a merged list (of the request's virtual server, if any), from the cache. The cursor names the last
     * item of the previous page. With a
     * {@code filter} (the caller's authorization), items it hides are skipped before the page is cut: a page holds up
     * to page-size items the caller may see, and the cursor names one of them. The cached lists stay shared by every
     * caller; only this answer is the caller's.
     */
    public Answer page(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                     @ExchangeProperty(McpExchange.CLIENT) ClientContext gs,
                     @ExchangeProperty(McpExchange.CATALOG_FILTER) CatalogFilter filter,
                     @ExchangeProperty(McpExchange.VIRTUAL_SERVER) VirtualServer virtualServer) {
        ListKind kind = ListKind.of(msg.method());
        Merged m = merged.get().getOrDefault(viewOf(gs), Merged.EMPTY);
        JsonNode cursor = msg.paramsObject().get("cursor");
        if (filter == null && virtualServer == null && (cursor == null || cursor.isNull())) {
            byte[] whole = m.wholeResults().get(kind);
            if (whole != null) {
                return Answer.json(response(msg.id(), whole));
            }
        }
        // a virtual server's page is cut from its own resolved lists: cursors and page sizes count only its items
        List<Item> items = (virtualServer == null ? m.lists() : listsOf(m, virtualServer)).getOrDefault(kind, List.of());
        int from = 0;
        if (cursor != null && !cursor.isNull()) {
            Item after = decodeCursor(cursor, msg);
            int i = Collections.binarySearch(items, after, ORDER);
            from = i >= 0 ? i + 1 : -i - 1;
        }
        ObjectNode result = json.object();
        ArrayNode out = result.putArray(kind.field);
        if (filter == null) {
            int to = pageSize <= 0 ? items.size() : Math.min(items.size(), from + pageSize);
            for (int i = from; i < to; i++) {
                out.addRawValue(items.get(i).json());
            }
            if (to < items.size()) {
                result.put("nextCursor", encodeCursor(items.get(to - 1)));
            }
        } else {
            Item last = null;
            int shown = 0;
            for (int i = from; i < items.size(); i++) {
                Item item = items.get(i);
                if (!filter.shows(kind, item.server(), item.key())) {
                    continue;
                }
                if (pageSize > 0 && shown == pageSize) {
                    result.put("nextCursor", encodeCursor(last)); // another visible item follows: there is a next page
                    break;
                }
                out.addRawValue(item.json());
                last = item;
                shown++;
            }
        }
        return Answer.json(json.write(json.result(msg.id(), result)));
    }

    private String encodeCursor(Item last) {
        ArrayNode pos = json.mapper().createArrayNode().add(last.server()).add(last.key());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.write(pos));
    }

    private Item decodeCursor(JsonNode cursor, JsonRpcMessage msg) {
        try {
            JsonNode pos = json.read(new String(Base64.getUrlDecoder().decode(cursor.asText()), StandardCharsets.UTF_8));
            if (cursor.isTextual() && pos != null && pos.isArray() && pos.size() == 2
                    && pos.get(0).isTextual() && pos.get(1).isTextual()) {
                return new Item(pos.get(0).textValue(), pos.get(1).textValue(), null);
            }
        } catch (Exception ignored) {
            // reported below
        }
        throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid cursor", msg.id());
    }
}
