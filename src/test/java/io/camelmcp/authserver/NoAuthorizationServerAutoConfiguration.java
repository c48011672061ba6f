package io.camelmcp.authserver;

import java.util.Set;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;

/**
 * Keeps Spring Boot's authorization server auto-configurations out of every test context. The authorization server is
 * on the test classpath for {@link TestAuthorizationServer}, which configures it explicitly; left to themselves, those
 * auto-configurations would give each gateway context of the tests a JWK source with a random key and a
 * {@code JwtDecoder} for it (and a second security filter chain once clients are configured), which the gateway does
 * not have in production.
 */
public final class NoAuthorizationServerAutoConfiguration implements AutoConfigurationImportFilter {

    private static final Set<String> LEFT_OUT = Set.of(
            "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerJwtAutoConfiguration");

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean[] match = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < match.length; i++) {
            match[i] = autoConfigurationClasses[i] == null || !LEFT_OUT.contains(autoConfigurationClasses[i]);
        }
        return match;
    }
}
