package io.camelmcp.gateway.kubernetes;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * One fabric8 informer per watched {@link Kind}: list, then watch, re-list after 410 Gone or a lost connection,
 * and re-deliver the cache every resync interval. Each event goes to the {@code direct:kubernetes-event} route,
 * which only asks for a reconcile: what the gateway serves is always recomputed from these caches
 * (level-triggered), so a lost or duplicated event cannot leave it wrong.
 */
public class KubernetesWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesWatcher.class);
    static final String EVENTS = "direct:kubernetes-event";

    private final KubernetesClient client;
    private final ProducerTemplate producer;
    private final Duration resync;
    private final Map<Kind, SharedIndexInformer<GenericKubernetesResource>> informers = new EnumMap<>(Kind.class);
    private final Set<Kind> synced = ConcurrentHashMap.newKeySet();
    private final Set<Kind> failing = ConcurrentHashMap.newKeySet();
    /** Kinds not being watched at the last check, to log an outage once when it starts and once when it ends. */
    private volatile Set<Kind> notWatching = Set.of();

    public KubernetesWatcher(KubernetesClient client, ProducerTemplate producer, Duration resync) {
        this.client = client;
        this.producer = producer;
        this.resync = resync;
    }

    /** Starts every informer without waiting for its first list: a slow API server does not hold up start-up. */
    public synchronized void start() {
        if (!informers.isEmpty()) {
            return;
        }
        LOG.info("Watching Kubernetes at {} for MCP server registrations", client.getMasterUrl());
        for (Kind kind : Kind.values()) {
            var all = client.genericKubernetesResources(kind.context()).inAnyNamespace();
            var source = kind == Kind.SECRET ? all.withLabel(Kind.SECRET_LABEL, "true") : all;
            SharedIndexInformer<GenericKubernetesResource> informer = source.runnableInformer(resync.toMillis());
            informer.addEventHandler(new Events(kind));
            informer.exceptionHandler((started, error) -> {
                // keep retrying (with the informer's back-off); say so once, not at every attempt
                if (failing.add(kind)) {
                    LOG.warn("Cannot list/watch {} {}: {} (retrying)", kind.apiVersion(), kind.kind(), error.toString());
                }
                return true;
            });
            informers.put(kind, informer);
            informer.start().whenComplete((ok, error) -> {
                if (error == null) {
                    synced.add(kind);
                    changed(kind, "SYNCED", null); // also says "watching again" after a failed first list
                }
            });
        }
    }

    /** The cached objects of one kind (empty until its first list succeeded). */
    public List<GenericKubernetesResource> list(Kind kind) {
        SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
        return informer == null ? List.of() : informer.getStore().list();
    }

    /** Whether every kind has been listed once: before that, a missing object may just not be read yet. */
    public boolean synced() {
        return synced.size() == Kind.values().length;
    }

    /** Kinds whose list or watch currently fails (e.g. the kgateway CRDs are not installed). */
    public Set<Kind> failing() {
        return Set.copyOf(failing);
    }

    /** Whether every informer has a live watch (false while the API server is away). */
    public boolean watching() {
        return !informers.isEmpty() && informers.values().stream().allMatch(SharedIndexInformer::isWatching);
    }

    /** Kinds whose watch is down right now. */
    public Set<Kind> notWatching() {
        Set<Kind> down = java.util.EnumSet.noneOf(Kind.class);
        informers.forEach((kind, informer) -> {
            if (!informer.isWatching()) {
                down.add(kind);
            }
        });
        return down;
    }

    /**
     * Says once that watches are down (the API server went away, or a kind is not installed) and once that they
     * are back; meanwhile the last registrations seen stay served. Run by the kubernetes-watch-check timer.
     */
    public void checkWatches() {
        Set<Kind> down = notWatching();
        if (!down.equals(notWatching)) {
            if (down.isEmpty()) {
                LOG.info("Watching all Kubernetes kinds again at {}", client.getMasterUrl());
            } else {
                LOG.warn("Not watching {} at {} (API server unreachable, or the kind not installed); serving the "
                        + "registrations last seen, re-listing when the watch is back",
                        down.stream().map(Kind::kind).toList(), client.getMasterUrl());
            }
            notWatching = down;
        }
    }

    private void changed(Kind kind, String action, GenericKubernetesResource resource) {
        if (failing.remove(kind)) {
            LOG.info("Watching {} {} again", kind.apiVersion(), kind.kind());
        }
        try {
            producer.sendBodyAndHeaders(EVENTS, null, Map.of(
                    "kind", kind.kind(),
                    "action", action,
                    "namespace", resource == null ? "" : Objects.toString(resource.getMetadata().getNamespace(), ""),
                    "name", resource == null ? "" : Objects.toString(resource.getMetadata().getName(), "")));
        } catch (RuntimeException e) {
            LOG.debug("Kubernetes event not delivered (shutting down?): {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
    }

    private final class Events implements ResourceEventHandler<GenericKubernetesResource> {
        private final Kind kind;

        Events(Kind kind) { this.kind = kind; }

        @Override
        public void onAdd(GenericKubernetesResource obj) { changed(kind, "ADDED", obj); }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            boolean resynced = Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
            changed(kind, resynced ? "RESYNC" : "MODIFIED", after);
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) { changed(kind, "DELETED", obj); }
    }
}
