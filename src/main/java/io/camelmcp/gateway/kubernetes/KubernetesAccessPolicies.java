package io.camelmcp.gateway.kubernetes;

import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.security.AccessControl;
import io.camelmcp.gateway.security.AccessRule;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * MCPAccessPolicy resources ({@code gateway.camelmcp.io/v1alpha1}) as authorization rules: every policy's
 * {@code spec.rules}, in every namespace the gateway watches, replace the rules of source {@value #SOURCE} in
 * {@link AccessControl}, next to the configured ones. Like the registrations, recomputed whole from the informer's
 * cache at every reconcile (level-triggered); unchanged rules recompile nothing.
 */
public class KubernetesAccessPolicies {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesAccessPolicies.class);
    public static final String SOURCE = "kubernetes";

    private final KubernetesWatcher watcher;
    private final AccessControl access;
    private final ObjectMapper json;
    /** Policies already reported unreadable (uid/resourceVersion), so each is said once. */
    private Set<String> reported = Set.of();

    public KubernetesAccessPolicies(KubernetesWatcher watcher, AccessControl access, ObjectMapper json) {
        this.watcher = watcher;
        this.access = access;
        this.json = json;
    }

    /** Run by the kubernetes-reconcile route after the registrations. */
    public synchronized void reconcile() {
        List<GenericKubernetesResource> policies = watcher.list(Kind.MCP_ACCESS_POLICY).stream()
                .sorted(Comparator.comparing((GenericKubernetesResource r) -> Objects.toString(r.getMetadata().getNamespace(), ""))
                        .thenComparing(r -> r.getMetadata().getName()))
                .toList();
        Map<String, AccessRule> rules = new LinkedHashMap<>();
        Set<String> problems = new HashSet<>();
        for (GenericKubernetesResource policy : policies) {
            String id = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
            Map<String, AccessRule> own = new LinkedHashMap<>();
            try {
                JsonNode list = json.valueToTree(policy).path("spec").path("rules");
                for (int i = 0; i < list.size(); i++) {
                    AccessRule rule = json.treeToValue(list.get(i), AccessRule.class);
                    // a name unique across policies: namespace/policy/rule (or the rule's place in the policy)
                    own.put(id + "/" + AccessControl.named(rule, "rules[" + i + "]"), rule);
                }
            } catch (Exception e) {
                // the CRD's schema rejects most mistakes; what still fails to read leaves the whole policy out, rather
                // than half of it (a half could drop a deny and keep an allow)
                String key = policy.getMetadata().getUid() + "/" + policy.getMetadata().getResourceVersion();
                problems.add(key);
                if (!reported.contains(key)) {
                    LOG.error("MCPAccessPolicy {} is not applied: {}", id, e.getMessage());
                }
                continue;
            }
            rules.putAll(own);
        }
        reported = problems;
        access.rules(SOURCE, rules);
    }
}
