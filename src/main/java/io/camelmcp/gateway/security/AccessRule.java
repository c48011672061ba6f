package io.camelmcp.gateway.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One authorization rule, as written under {@code mcp.gateway.security.authorization.rules[i]} or in an MCPAccessPolicy's
 * {@code spec.rules[i]} (the same shape, bound by Spring or read by Jackson). Who it applies to: every field given must
 * match (identities, groups, scopes, claims), any one entry of a list is enough; none given: everyone, anonymous callers
 * included. What it covers: {@code servers} narrows it to those servers; {@code tools}, {@code prompts} and
 * {@code resources} narrow it to those items, and a rule that names none of the three covers every item of its servers.
 * Every entry is a name or a pattern where {@code *} matches any run of characters (as in a server's tool filter).
 * See docs/security-authorization.md.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class AccessRule {

    public enum Effect {
        ALLOW, DENY;

        /** Case-insensitive, for Jackson (Spring's binder already is): {@code allow}, {@code Allow}, {@code ALLOW}. */
        @JsonCreator
        public static Effect of(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }

        @JsonValue
        public String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What errors and logs call the rule; empty: its place ({@code rules[2]}, {@code namespace/policy#0}). */
    private String name;
    private Effect effect = Effect.ALLOW;
    /** Identity names (a JWT's {@code sub}, an API key's name) or keys ({@code key:ci}, {@code jwt:<iss>#<sub>}). */
    private List<String> identities = new ArrayList<>();
    private List<String> groups = new ArrayList<>();
    private List<String> scopes = new ArrayList<>();
    /** Claim name (a dotted path reaches into nested claims) to the value it must have (one of, for a list claim). */
    private Map<String, String> claims = new LinkedHashMap<>();
    /** Server names as registered. */
    private List<String> servers = new ArrayList<>();
    /** Tool names as clients see them (prefixed). */
    private List<String> tools = new ArrayList<>();
    /** Prompt names as clients see them (prefixed). */
    private List<String> prompts = new ArrayList<>();
    /** Resource URIs and URI templates as clients see them ({@code mcp-gateway://<server>/...}). */
    private List<String> resources = new ArrayList<>();

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public Effect getEffect() { return effect; }
    public void setEffect(Effect effect) { this.effect = effect; }
    public List<String> getIdentities() { return identities; }
    public void setIdentities(List<String> identities) { this.identities = orEmpty(identities); }
    public List<String> getGroups() { return groups; }
    public void setGroups(List<String> groups) { this.groups = orEmpty(groups); }
    public List<String> getScopes() { return scopes; }
    public void setScopes(List<String> scopes) { this.scopes = orEmpty(scopes); }
    public Map<String, String> getClaims() { return claims; }
    public void setClaims(Map<String, String> claims) { this.claims = claims == null ? new LinkedHashMap<>() : claims; }
    public List<String> getServers() { return servers; }
    public void setServers(List<String> servers) { this.servers = orEmpty(servers); }
    public List<String> getTools() { return tools; }
    public void setTools(List<String> tools) { this.tools = orEmpty(tools); }
    public List<String> getPrompts() { return prompts; }
    public void setPrompts(List<String> prompts) { this.prompts = orEmpty(prompts); }
    public List<String> getResources() { return resources; }
    public void setResources(List<String> resources) { this.resources = orEmpty(resources); }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? new ArrayList<>() : list;
    }

    /** A rule in code (tests, other sources): {@code allow()} / {@code deny()} and the fluent setters below. */
    public static AccessRule allow(String name) {
        AccessRule r = new AccessRule();
        r.setName(name);
        return r;
    }

    public static AccessRule deny(String name) {
        AccessRule r = allow(name);
        r.setEffect(Effect.DENY);
        return r;
    }

    public AccessRule identities(String... v) { setIdentities(List.of(v)); return this; }
    public AccessRule groups(String... v) { setGroups(List.of(v)); return this; }
    public AccessRule scopes(String... v) { setScopes(List.of(v)); return this; }
    public AccessRule claim(String claim, String value) { claims.put(claim, value); return this; }
    public AccessRule servers(String... v) { setServers(List.of(v)); return this; }
    public AccessRule tools(String... v) { setTools(List.of(v)); return this; }
    public AccessRule prompts(String... v) { setPrompts(List.of(v)); return this; }
    public AccessRule resources(String... v) { setResources(List.of(v)); return this; }

    @Override
    public String toString() {
        return (name == null ? "" : name + ": ") + effect.lower() + " identities=" + identities + " groups=" + groups
                + " scopes=" + scopes + " claims=" + claims + " servers=" + servers + " tools=" + tools
                + " prompts=" + prompts + " resources=" + resources;
    }
}
