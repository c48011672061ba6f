package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.federation.CatalogFilter;
import io.camelmcp.gateway.federation.ListKind;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerStatus;
import io.camelmcp.gateway.session.Identity;

/**
 * The route steps on exchanges as the routes leave them: after mcpRouter (mcpTarget set, the name already the
 * server's own), the check names the item as the client does and answers -32003 with the rule, or -32602 when concealing.
 */
class AccessControlTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final RegistrySnapshot.Entry FS = new RegistrySnapshot.Entry(
            new ServerRegistration("fs", URI.create("http://127.0.0.1:1/mcp"), "fs_", Map.of(), "test"), ServerStatus.pending());
    static final Identity READER = new Identity(Identity.API_KEY, "reader", null, Set.of("mcp:read"), Set.of(), Map.of(), null);
    static final Identity ADMIN = new Identity(Identity.API_KEY, "admin", null, Set.of("mcp:admin"), Set.of(), Map.of(), null);

    final DefaultCamelContext camel = new DefaultCamelContext();

    static AccessControl access(boolean conceal, AccessRule... rules) {
        AuthorizationProperties props = new AuthorizationProperties();
        props.setRules(List.of(rules));
        props.setConcealDenied(conceal);
        return new AccessControl(props);
    }

    static AccessControl readersAndAdmins(boolean conceal) {
        return access(conceal,
                AccessRule.allow("readers").scopes("mcp:read").tools("fs_read*").prompts("fs_summary")
                        .resources("mcp-gateway://fs/file:///public/*"),
                AccessRule.allow("admins").scopes("mcp:admin"),
                AccessRule.deny("never-wipe").tools("fs_wipe"));
    }

    /** An exchange as the router leaves it: the server's own name in params, the owner as mcpTarget. */
    Exchange routed(Identity who, String method, String params) throws Exception {
        ObjectNode raw = (ObjectNode) JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":" + params + "}");
        Exchange ex = new DefaultExchange(camel);
        ex.setProperty(McpExchange.MESSAGE, new JsonRpcMessage(JsonRpcMessage.Kind.REQUEST, raw.get("id"), method, raw.get("params"), raw));
        ex.setProperty(McpExchange.TARGET, FS);
        ex.setProperty(McpExchange.IDENTITY, who);
        return ex;
    }

    @Test
    void withoutRulesNothingIsCheckedOrFiltered() throws Exception {
        AccessControl none = access(false);
        assertThat(none.policy().empty()).isTrue();
        Exchange ex = routed(Identity.ANONYMOUS, "tools/call", "{\"name\":\"wipe\"}");
        none.check(ex);
        none.filterLists(ex);
        assertThat(ex.getProperty(McpExchange.CATALOG_FILTER)).isNull();
    }

    @Test
    void aDeniedToolIsNotPermittedNamingTheRule() throws Exception {
        AccessControl access = readersAndAdmins(false);
        McpException e = catchThrowableOfType(McpException.class,
                () -> access.check(routed(ADMIN, "tools/call", "{\"name\":\"wipe\"}")));
        assertThat(e.code()).isEqualTo(ErrorCodes.NOT_PERMITTED);
        assertThat(e.httpStatus()).isEqualTo(200);
        assertThat(e.getMessage()).isEqualTo("Not permitted: tool fs_wipe");
        assertThat(e.requestId().asInt()).isEqualTo(7);
        assertThat(e.data()).isEqualTo(Map.of("tool", "fs_wipe", "rule", "never-wipe"));
        // no rule allows it: the default, said so
        McpException d = catchThrowableOfType(McpException.class,
                () -> access.check(routed(READER, "tools/call", "{\"name\":\"write\"}")));
        assertThat(d.data()).isEqualTo(Map.of("tool", "fs_write", "default", "deny"));
        assertThatCode(() -> access.check(routed(READER, "tools/call", "{\"name\":\"read_file\"}"))).doesNotThrowAnyException();
        assertThatCode(() -> access.check(routed(ADMIN, "tools/call", "{\"name\":\"write\"}"))).doesNotThrowAnyException();
    }

    @Test
    void promptsResourcesAndCompletionsAreCheckedByTheirClientNames() throws Exception {
        AccessControl access = readersAndAdmins(false);
        access.check(routed(READER, "prompts/get", "{\"name\":\"summary\"}"));
        assertThat(catchThrowableOfType(McpException.class,
                () -> access.check(routed(READER, "prompts/get", "{\"name\":\"secret\"}"))).data())
                .isEqualTo(Map.of("prompt", "fs_secret", "default", "deny"));
        access.check(routed(READER, "resources/read", "{\"uri\":\"file:///public/a.md\"}"));
        McpException r = catchThrowableOfType(McpException.class,
                () -> access.check(routed(READER, "resources/subscribe", "{\"uri\":\"file:///private/a.md\"}")));
        assertThat(r.getMessage()).isEqualTo("Not permitted: resource mcp-gateway://fs/file:///private/a.md");
        assertThat(r.data()).isEqualTo(Map.of("uri", "mcp-gateway://fs/file:///private/a.md", "default", "deny"));
        // unsubscribing only stops what was allowed once
        access.check(routed(READER, "resources/unsubscribe", "{\"uri\":\"file:///private/a.md\"}"));
        access.check(routed(READER, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"summary\"}}"));
        assertThat(catchThrowableOfType(McpException.class, () -> access.check(routed(READER, "completion/complete",
                "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"file:///private/{path}\"}}"))).code())
                .isEqualTo(ErrorCodes.NOT_PERMITTED);
    }

    @Test
    void concealedDenialsLookLikeUnknownItems() throws Exception {
        AccessControl access = readersAndAdmins(true);
        McpException e = catchThrowableOfType(McpException.class,
                () -> access.check(routed(READER, "tools/call", "{\"name\":\"wipe\"}")));
        assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_PARAMS);
        assertThat(e.getMessage()).isEqualTo("Unknown tool: fs_wipe");
        assertThat(e.data()).isNull();
        McpException r = catchThrowableOfType(McpException.class,
                () -> access.check(routed(READER, "resources/read", "{\"uri\":\"file:///private/a.md\"}")));
        assertThat(r.getMessage()).isEqualTo("Unknown resource: mcp-gateway://fs/file:///private/a.md");
    }

    @Test
    void theListFilterIsTheCallersView() throws Exception {
        AccessControl access = readersAndAdmins(false);
        Exchange ex = routed(READER, "tools/list", "{}");
        access.filterLists(ex);
        CatalogFilter f = ex.getProperty(McpExchange.CATALOG_FILTER, CatalogFilter.class);
        assertThat(f.shows(ListKind.TOOLS, "fs", "fs_read_file")).isTrue();
        assertThat(f.shows(ListKind.TOOLS, "fs", "fs_write")).isFalse();
        Exchange admin = routed(ADMIN, "tools/list", "{}");
        access.filterLists(admin);
        assertThat(admin.getProperty(McpExchange.CATALOG_FILTER, CatalogFilter.class).shows(ListKind.TOOLS, "fs", "fs_write")).isTrue();
    }

    @Test
    void rulesFromAnotherSourceJoinAndChangesAreAnnounced() throws Exception {
        AccessControl access = access(false, AccessRule.deny("no-wipe").tools("fs_wipe"));
        AtomicInteger told = new AtomicInteger();
        access.onChange(told::incrementAndGet);
        access.check(routed(READER, "tools/call", "{\"name\":\"write\"}")); // only deny rules: default allow
        access.rules("kubernetes", Map.of("ns/p/writers", AccessRule.allow("writers").scopes("mcp:write")));
        assertThat(told.get()).isEqualTo(1);
        assertThat(access.policy().size()).isEqualTo(2);
        // now an allow rule exists: the reader is denied by default
        assertThat(catchThrowableOfType(McpException.class,
                () -> access.check(routed(READER, "tools/call", "{\"name\":\"write\"}"))).code()).isEqualTo(ErrorCodes.NOT_PERMITTED);
        access.rules("kubernetes", Map.of("ns/p/writers", AccessRule.allow("writers").scopes("mcp:write")));
        assertThat(told.get()).isEqualTo(1); // the same rules again (a resync): nobody told
        access.rules("kubernetes", Map.of());
        assertThat(told.get()).isEqualTo(2);
        access.check(routed(READER, "tools/call", "{\"name\":\"write\"}"));
    }

    /** What the call check costs per call, without rules (the hot path: one branch) and with them (printed only). */
    @Test
    void theCheckCostsNearlyNothing() throws Exception {
        Exchange ex = routed(READER, "tools/call", "{\"name\":\"read_file\"}");
        AccessControl none = access(false);
        AccessControl rules = readersAndAdmins(false);
        long bestNone = Long.MAX_VALUE;
        long bestRules = Long.MAX_VALUE;
        for (int round = 0; round < 50; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                none.check(ex);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                rules.check(ex);
            }
            long t2 = System.nanoTime();
            bestNone = Math.min(bestNone, t1 - t0);
            bestRules = Math.min(bestRules, t2 - t1);
        }
        System.out.printf("authorization: tools/call check %.1f ns without rules, %.1f ns with 3 rules%n",
                bestNone / 10_000.0, bestRules / 10_000.0);
        assertThat(bestNone).isLessThanOrEqualTo(bestRules);
    }

    @Test
    void aCheckBeforeTheRouterFoundTheOwnerRefuses() throws Exception {
        AccessControl access = readersAndAdmins(false);
        Exchange ex = routed(ADMIN, "tools/call", "{\"name\":\"fs_write\"}");
        ex.removeProperty(McpExchange.TARGET);
        assertThat(catchThrowableOfType(McpException.class, () -> access.check(ex)).code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
    }
}
