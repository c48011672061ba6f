package io.camelmcp.gateway.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.camelmcp.gateway.federation.CatalogFilter;
import io.camelmcp.gateway.federation.ListKind;
import io.camelmcp.gateway.registry.NamePatterns;
import io.camelmcp.gateway.session.Identity;

/**
 * A compiled, immutable rule set: every rule's lists made into {@link NamePatterns} once, when the rules change. Per
 * request, {@link #accessOf} keeps the rules that apply to the caller; per item, {@link Access#decide} asks only those.
 *
 * <p>Decision for one item: a deny rule that applies to the caller and covers the item denies it; otherwise an allow
 * rule that does allows it; otherwise the default. Rules are unordered (deny wins), so rules from several sources
 * combine by simple union.
 */
public final class AccessPolicy {

    /** No rules at all: everything allowed, and the routes' steps return at their first branch. */
    public static final AccessPolicy NONE = new AccessPolicy(List.of(), true);

    /** The outcome for one item: allowed or not, and the rule that decided (null: the default). */
    public record Decision(boolean allowed, String rule) {
        static final Decision DEFAULT_ALLOW = new Decision(true, null);
        static final Decision DEFAULT_DENY = new Decision(false, null);
    }

    /** A claim the caller must have: its name, the same split at dots (nested claims), the values allowed. */
    private record Claim(String name, String[] path, NamePatterns values) {}

    private record Rule(String name, boolean deny, NamePatterns identities, NamePatterns groups, NamePatterns scopes,
                        List<Claim> claims, NamePatterns servers, NamePatterns tools, NamePatterns prompts,
                        NamePatterns resources, boolean everyItem) {

        boolean appliesTo(Identity id) {
            if (!identities.isEmpty() && !identities.matches(id.name()) && !identities.matches(id.key())) {
                return false;
            }
            if (!groups.isEmpty() && !groups.matchesAny(id.groups())) {
                return false;
            }
            if (!scopes.isEmpty() && !scopes.matchesAny(id.scopes())) {
                return false;
            }
            for (Claim c : claims) {
                Object value = claim(id.claims(), c.name(), c.path());
                boolean ok = value instanceof Collection<?> values ? c.values().matchesAny(values)
                        : value != null && c.values().matches(value.toString());
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        boolean covers(ListKind kind, String server, String key) {
            if (!servers.isEmpty() && !servers.matches(server)) {
                return false;
            }
            if (everyItem) {
                return true;
            }
            NamePatterns items = switch (kind) {
                case TOOLS -> tools;
                case PROMPTS -> prompts;
                case RESOURCES, TEMPLATES -> resources;
            };
            return !items.isEmpty() && items.matches(key);
        }
    }

    private final List<Rule> rules;
    private final boolean defaultAllow;

    private AccessPolicy(List<Rule> rules, boolean defaultAllow) {
        this.rules = rules;
        this.defaultAllow = defaultAllow;
    }

    /**
     * Compiles rules, each with the name it is known by ({@code named} keys, in order). {@code defaultEffect} null: deny
     * when any allow rule exists, else allow.
     */
    public static AccessPolicy compile(Map<String, AccessRule> named, AccessRule.Effect defaultEffect) {
        if (named.isEmpty() && defaultEffect != AccessRule.Effect.DENY) {
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        boolean anyAllow = false;
        for (Map.Entry<String, AccessRule> e : named.entrySet()) {
            AccessRule r = e.getValue();
            List<Claim> claims = new ArrayList<>();
            r.getClaims().forEach((claim, value) -> claims.add(
                    new Claim(claim, claim.split("\\."), NamePatterns.of(value == null ? List.of() : List.of(value)))));
            boolean deny = r.getEffect() == AccessRule.Effect.DENY;
            anyAllow |= !deny;
            rules.add(new Rule(e.getKey(), deny, NamePatterns.of(r.getIdentities()), NamePatterns.of(r.getGroups()),
                    NamePatterns.of(r.getScopes()), List.copyOf(claims), NamePatterns.of(r.getServers()),
                    NamePatterns.of(r.getTools()), NamePatterns.of(r.getPrompts()), NamePatterns.of(r.getResources()),
                    r.getTools().isEmpty() && r.getPrompts().isEmpty() && r.getResources().isEmpty()));
        }
        boolean defaultAllow = defaultEffect == null ? !anyAllow : defaultEffect == AccessRule.Effect.ALLOW;
        return new AccessPolicy(List.copyOf(rules), defaultAllow);
    }

    /** Whether there is nothing to check: no rules and a default of allow. */
    public boolean empty() {
        return this == NONE;
    }

    public int size() {
        return rules.size();
    }

    public boolean defaultAllows() {
        return defaultAllow;
    }

    /** What one caller may use: the rules that apply to it, the others dropped for this request. */
    public Access accessOf(Identity identity) {
        List<Rule> deny = new ArrayList<>();
        List<Rule> allow = new ArrayList<>();
        for (Rule r : rules) {
            if (r.appliesTo(identity)) {
                (r.deny() ? deny : allow).add(r);
            }
        }
        return new Access(deny.toArray(Rule[]::new), allow.toArray(Rule[]::new), defaultAllow);
    }

    /** One caller's view: the catalogue filter of its lists and the check of its calls. */
    public static final class Access implements CatalogFilter {
        private final Rule[] deny;
        private final Rule[] allow;
        private final Decision byDefault;

        private Access(Rule[] deny, Rule[] allow, boolean defaultAllow) {
            this.deny = deny;
            this.allow = allow;
            this.byDefault = defaultAllow ? Decision.DEFAULT_ALLOW : Decision.DEFAULT_DENY;
        }

        /** @param key the name or URI clients know the item by */
        public Decision decide(ListKind kind, String server, String key) {
            for (Rule r : deny) {
                if (r.covers(kind, server, key)) {
                    return new Decision(false, r.name());
                }
            }
            for (Rule r : allow) {
                if (r.covers(kind, server, key)) {
                    return new Decision(true, r.name());
                }
            }
            return byDefault;
        }

        @Override
        public boolean shows(ListKind kind, String server, String key) {
            for (Rule r : deny) {
                if (r.covers(kind, server, key)) {
                    return false;
                }
            }
            for (Rule r : allow) {
                if (r.covers(kind, server, key)) {
                    return true;
                }
            }
            return byDefault.allowed();
        }
    }

    /** A claim by name, or by a dotted path into nested claims ({@code realm_access.roles}). */
    static Object claim(Map<String, Object> claims, String name, String[] path) {
        Object direct = claims.get(name);
        if (direct != null || path.length < 2) {
            return direct;
        }
        Object at = claims;
        for (String part : path) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(part);
        }
        return at;
    }
}
