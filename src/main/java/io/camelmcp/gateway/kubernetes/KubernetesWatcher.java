package io.camelmcp.gateway.kubernetes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * One fabric8 informer per watched {@link Kind} and version: list, then watch, re-list after 410 Gone or a lost
 * connection, and re-deliver the cache every resync interval. Each event goes to the {@code direct:kubernetes-event}
 * route, which only asks for a reconcile: what the gateway serves is always recomputed from these caches
 * (level-triggered), so a lost or duplicated event cannot leave it wrong.
 * <p>
 * A kind served in several versions is watched in each: an API server shows every object in all of them (the same
 * uid), a cluster with older or newer CRDs serves only one, and fabric8's mock server keeps each apart. Its objects
 * are the union, one per uid, the preferred version's first; it is down only when no version can be watched.
 */
public class KubernetesWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesWatcher.class);
    static final String EVENTS = "direct:kubernetes-event";

    private final KubernetesClient client;
    private final ProducerTemplate producer;
    private final Duration resync;
    /** By kind, then version in the kind's order. */
    private final Map<Kind, Map<String, SharedIndexInformer<GenericKubernetesResource>>> informers = new EnumMap<>(Kind.class);
    private final Set<Watch> synced = ConcurrentHashMap.newKeySet();
    private final Set<Watch> failing = ConcurrentHashMap.newKeySet();
    /** Kinds whose every version failed, said once until one of them is watched again. */
    private final Set<Kind> warned = ConcurrentHashMap.newKeySet();
    /** Versions whose last list failed with 404: not installed, or not served by the installed CRD. */
    private final Set<Watch> notFound = ConcurrentHashMap.newKeySet();
    /** Versions not found while another version of their kind is watched, said once. */
    private final Set<Watch> unserved = ConcurrentHashMap.newKeySet();
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
            Map<String, SharedIndexInformer<GenericKubernetesResource>> versions = new LinkedHashMap<>();
            informers.put(kind, versions);
            for (String version : kind.versions()) {
                Watch watch = new Watch(kind, version);
                var all = client.genericKubernetesResources(kind.context(version)).inAnyNamespace();
                var source = kind == Kind.SECRET ? all.withLabel(Kind.SECRET_LABEL, "true") : all;
                SharedIndexInformer<GenericKubernetesResource> informer = source.runnableInformer(resync.toMillis());
                informer.addEventHandler(new Events(watch));
                informer.exceptionHandler((started, error) -> {
                    failed(watch, error); // and keep retrying, with the informer's back-off
                    return true;
                });
                versions.put(version, informer);
                informer.start().whenComplete((ok, error) -> {
                    if (error == null) {
                        synced.add(watch);
                        changed(watch, "SYNCED", null); // also says "watching again" after a failed first list
                    }
                });
            }
        }
    }

    /**
     * Says once that a kind cannot be listed or watched, when none of its versions can, and once that a version is
     * not served, when another one is watched; not at every attempt.
     */
    private void failed(Watch watch, Throwable error) {
        if (notFound(error)) {
            notFound.add(watch);
        } else {
            notFound.remove(watch);
        }
        failing.add(watch);
        Kind kind = watch.kind();
        List<Watch> others = new ArrayList<>();
        kind.versions().stream().filter(v -> !v.equals(watch.version())).forEach(v -> others.add(new Watch(kind, v)));
        if (failing.containsAll(others)) {
            if (warned.add(kind)) {
                LOG.warn("Cannot list/watch {} {}{}: {} (retrying)", kind.apiVersion(watch.version()), kind.kind(),
                        others.isEmpty() ? "" : " (nor " + String.join(", ", others.stream().map(w -> kind.apiVersion(w.version())).toList()) + ")",
                        error.toString());
            }
        } else if (notFound.contains(watch) && others.stream().anyMatch(w -> synced.contains(w) && !failing.contains(w))) {
            unserved(watch);
        } // else another version's first list is still under way (said at the next attempt), or the API server went away
    }

    private static boolean notFound(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException e && e.getCode() == 404) {
                return true;
            }
        }
        return false;
    }

    private void unserved(Watch watch) {
        if (unserved.add(watch)) {
            LOG.info("{} {} is not served at {} (its CRD has other versions); watching {}", watch.kind().apiVersion(watch.version()),
                    watch.kind().kind(), client.getMasterUrl(), watch.kind().versions().stream()
                            .filter(v -> synced.contains(new Watch(watch.kind(), v))).map(watch.kind()::apiVersion).toList());
        }
    }

    /**
     * The cached objects of one kind (empty until its first list succeeded): of every version, one object per uid,
     * as read in the first version that has it.
     */
    public List<GenericKubernetesResource> list(Kind kind) {
        Map<String, SharedIndexInformer<GenericKubernetesResource>> versions = informers.get(kind);
        if (versions == null) {
            return List.of();
        }
        if (versions.size() == 1) {
            return versions.values().iterator().next().getStore().list();
        }
        List<GenericKubernetesResource> out = new ArrayList<>();
        Set<String> uids = new HashSet<>();
        for (SharedIndexInformer<GenericKubernetesResource> informer : versions.values()) {
            for (GenericKubernetesResource r : informer.getStore().list()) {
                String uid = r.getMetadata().getUid();
                if (uid == null || uids.add(uid)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** Whether every kind has been listed once (in one version): before that, a missing object may just not be read yet. */
    public boolean synced() {
        return Stream.of(Kind.values()).allMatch(k -> synced.stream().anyMatch(w -> w.kind() == k));
    }

    /** Kinds whose list or watch currently fails in every version (e.g. the kgateway CRDs are not installed). */
    public Set<Kind> failing() {
        Set<Kind> out = java.util.EnumSet.noneOf(Kind.class);
        for (Kind k : Kind.values()) {
            if (k.versions().stream().allMatch(v -> failing.contains(new Watch(k, v)))) {
                out.add(k);
            }
        }
        return out;
    }

    /** Whether every kind has a live watch (false while the API server is away). */
    public boolean watching() {
        return !informers.isEmpty() && notWatching().isEmpty();
    }

    /** Kinds with no live watch in any version right now. */
    public Set<Kind> notWatching() {
        Set<Kind> down = java.util.EnumSet.noneOf(Kind.class);
        informers.forEach((kind, versions) -> {
            if (versions.values().stream().noneMatch(SharedIndexInformer::isWatching)) {
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

    private void changed(Watch watch, String action, GenericKubernetesResource resource) {
        Kind kind = watch.kind();
        if (failing.remove(watch)) {
            warned.remove(kind);
            unserved.remove(watch);
            notFound.remove(watch);
            LOG.info("Watching {} {} again", kind.apiVersion(watch.version()), kind.kind());
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
        informers.values().forEach(versions -> versions.values().forEach(SharedIndexInformer::stop));
        informers.clear();
    }

    /** One informer's kind and version. */
    private record Watch(Kind kind, String version) { }

    private final class Events implements ResourceEventHandler<GenericKubernetesResource> {
        private final Watch watch;

        Events(Watch watch) { this.watch = watch; }

        @Override
        public void onAdd(GenericKubernetesResource obj) { changed(watch, "ADDED", obj); }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            boolean resynced = Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
            changed(watch, resynced ? "RESYNC" : "MODIFIED", after);
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) { changed(watch, "DELETED", obj); }
    }
}
