package io.camelmcp.gateway.federation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolNamesTest {

    @Test
    void prefixedNamesMustStayWithinTheSpecRules() {
        assertThat(ToolNames.exposed("gh_", "create-issue")).isEqualTo("gh_create-issue");
        assertThat(ToolNames.exposed("", "admin.tools.list")).isEqualTo("admin.tools.list");
        assertThat(ToolNames.exposed("gh_", "with space")).isNull();
        assertThat(ToolNames.exposed("gh_", "emoji🙂")).isNull();
        assertThat(ToolNames.exposed("gh_", "x".repeat(125))).hasSize(128);
        assertThat(ToolNames.exposed("gh_", "x".repeat(126))).isNull();
        assertThat(ToolNames.exposed("gh_", "")).isNull();
        assertThat(ToolNames.exposed("gh_", null)).isNull();
    }
}
