package io.camelmcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The two limits bind as Spring Boot binds them at start-up: defaults, 0 for none, and a clear error below 0. */
class LimitPropertiesTest {

    private static GatewayProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("mcp.gateway", GatewayProperties.class);
    }

    @Test
    void defaultsAndZero() {
        GatewayProperties defaults = bind(Map.of());
        assertThat(defaults.getMaxSessionsPerClient()).isEqualTo(100);
        assertThat(defaults.getMaxStreamsPerSession()).isEqualTo(10);
        GatewayProperties none = bind(Map.of("mcp.gateway.max-sessions-per-client", "0", "mcp.gateway.max-streams-per-session", "0"));
        assertThat(none.getMaxSessionsPerClient()).isZero();
        assertThat(none.getMaxStreamsPerSession()).isZero();
    }

    @Test
    void aNegativeLimitFailsTheStartWithItsName() {
        assertThatThrownBy(() -> bind(Map.of("mcp.gateway.max-sessions-per-client", "-1")))
                .isInstanceOf(BindException.class).rootCause()
                .hasMessage("mcp.gateway.max-sessions-per-client must be 0 (no limit) or more, not -1");
        assertThatThrownBy(() -> bind(Map.of("mcp.gateway.max-streams-per-session", "-5")))
                .isInstanceOf(BindException.class).rootCause()
                .hasMessage("mcp.gateway.max-streams-per-session must be 0 (no limit) or more, not -5");
    }
}
