package io.camelmcp.gateway.config;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointProperties;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.security.oauth2.resource.OAuth2ResourceServerProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import io.camelmcp.gateway.security.ApiKeyRing;
import io.camelmcp.gateway.security.BearerAuthentication;
import io.camelmcp.gateway.security.BearerChallenge;
import io.camelmcp.gateway.security.IdentityFilter;
import io.camelmcp.gateway.security.ResourceMetadata;
import io.camelmcp.gateway.security.SecurityProperties;
import io.camelmcp.gateway.ui.StatusApi;

/**
 * Inbound authentication (README, "Security"): Spring Security's OAuth 2.0 resource server and API keys in front of
 * /mcp and the actuator, when configured. Off, Spring Security's filter is not in the servlet chain at all (no cost,
 * no change to any answer). Everything is decided at start-up from properties, not by conditions on beans, so it
 * holds in the AOT-built image too.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SecurityProperties.class, OAuth2ResourceServerProperties.class})
public class SecurityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);

    /**
     * With security off, Spring Security's filter (Boot's registration of it) is switched off. Health details follow
     * too, unless configured: with security on only for a caller with the admin scope, with it off for everyone.
     */
    @Bean
    static BeanPostProcessor mcpSecuritySwitch(Environment env) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                // every bean passes here: the properties are bound only for the two this is about (binding them for
                // each bean was 8 % of the start-up's main thread)
                if (bean instanceof DelegatingFilterProxyRegistrationBean filter && !SecurityProperties.enabled(env)) {
                    filter.setEnabled(false);
                }
                if (bean instanceof HealthEndpointProperties health
                        && env.getProperty("management.endpoint.health.show-details") == null) {
                    boolean on = SecurityProperties.enabled(env);
                    health.setShowDetails(on ? Show.WHEN_AUTHORIZED : Show.ALWAYS);
                    if (on && health.getRoles().isEmpty()) {
                        health.setRoles(java.util.Set.of("SCOPE_" + env.getProperty("mcp.gateway.security.admin-scope",
                                "mcp:admin")));
                    }
                }
                return bean;
            }
        };
    }

    @Bean
    ResourceMetadata mcpResourceMetadata(SecurityProperties props, OAuth2ResourceServerProperties oauth) {
        List<String> servers = new ArrayList<>(props.getAuthorizationServers());
        String issuer = oauth.getJwt().getIssuerUri();
        if (servers.isEmpty() && issuer != null && !issuer.isBlank()) {
            servers.add(issuer);
        }
        return new ResourceMetadata(props.getResource(), props.getResourceName(), servers, props.getScopesSupported());
    }

    /** RFC 9728's well-known URIs, served while security is on. */
    @Bean
    ServletRegistrationBean<ResourceMetadata> mcpResourceMetadataServlet(ResourceMetadata metadata, Environment env) {
        ServletRegistrationBean<ResourceMetadata> reg = new ServletRegistrationBean<>(metadata,
                ResourceMetadata.WELL_KNOWN, ResourceMetadata.WELL_KNOWN + "/mcp");
        reg.setName("mcpResourceMetadata");
        reg.setEnabled(SecurityProperties.enabled(env));
        return reg;
    }

    /**
     * Bearer JWTs per spring.security.oauth2.resourceserver.jwt.*: the signature against the issuer's (or the given)
     * JWK set, expiry, the issuer, and an audience that is the gateway's (its resource URL unless audiences are
     * given). Resolved at the first token, so the gateway starts while its authorization server is away. Null without
     * an issuer or JWK set: API keys only.
     */
    static JwtDecoder jwtDecoder(OAuth2ResourceServerProperties.Jwt jwt, SecurityProperties props) {
        String issuer = blankToNull(jwt.getIssuerUri());
        String jwkSet = blankToNull(jwt.getJwkSetUri());
        if (issuer == null && jwkSet == null) {
            return null;
        }
        List<String> audiences = jwt.getAudiences().isEmpty() && blankToNull(props.getResource()) != null
                ? List.of(props.getResource()) : List.copyOf(jwt.getAudiences());
        if (audiences.isEmpty()) {
            throw new IllegalStateException("mcp.gateway.security.resource (the URL of the gateway's /mcp) or "
                    + "spring.security.oauth2.resourceserver.jwt.audiences is required: an MCP server must only accept "
                    + "tokens issued for it (their audience)");
        }
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = jwkSet != null
                    ? NimbusJwtDecoder.withJwkSetUri(jwkSet).jwsAlgorithms(a -> jwt.getJwsAlgorithms()
                            .forEach(name -> a.add(org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.from(name))))
                            .build()
                    : NimbusJwtDecoder.withIssuerLocation(issuer).build();
            List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
            validators.add(new JwtTimestampValidator(props.getClockSkew()));
            if (issuer != null) {
                validators.add(new JwtIssuerValidator(issuer));
            }
            validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                    aud -> aud != null && aud.stream().anyMatch(audiences::contains)));
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
            return decoder;
        });
    }

    @Bean
    SecurityFilterChain mcpSecurityFilterChain(HttpSecurity http, SecurityProperties props,
                                               OAuth2ResourceServerProperties oauth, ResourceMetadata metadata,
                                               Environment env) throws Exception {
        if (!SecurityProperties.enabled(env)) {
            // the filter is off (above); a chain is still defined so that Boot adds no default one
            return http.securityMatcher(request -> false).build();
        }
        ApiKeyRing keys = new ApiKeyRing(props.getApiKeys());
        JwtDecoder decoder = jwtDecoder(oauth.getJwt(), props);
        if (keys.isEmpty() && decoder == null) {
            throw new IllegalStateException("mcp.gateway.security.enabled is true but no credential is configured: set "
                    + "spring.security.oauth2.resourceserver.jwt.issuer-uri (or jwk-set-uri) or mcp.gateway.security.api-keys");
        }
        BearerAuthentication bearer = new BearerAuthentication(keys, decoder, props.getGroupsClaim());
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        RequestMatcher actuator = new OrRequestMatcher(path.matcher("/actuator"), path.matcher("/actuator/**"));
        RequestMatcher probes = new OrRequestMatcher(path.matcher("/actuator/health"),
                path.matcher("/actuator/health/liveness"), path.matcher("/actuator/health/readiness"));
        // the status page's data tells what the actuator's details do; the page itself (/ui/*) holds none: public
        RequestMatcher admin = new OrRequestMatcher(actuator, path.matcher(StatusApi.PATH + "/**"));
        BearerChallenge challenge = new BearerChallenge(metadata, props.getRequiredScopes(), props.getAdminScope(), admin);
        // virtual servers' own endpoints (/v/{name}/mcp) are /mcp under another path: guarded the same way
        http.securityMatcher(new OrRequestMatcher(path.matcher("/mcp"), path.matcher("/v/**"), admin))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(path.matcher(HttpMethod.OPTIONS, "/mcp")).permitAll() // CORS preflight
                        .requestMatchers(path.matcher(HttpMethod.OPTIONS, "/v/**")).permitAll()
                        .requestMatchers(probes).permitAll() // status only; details need the admin scope (SecurityDefaults)
                        .requestMatchers(admin).hasAuthority("SCOPE_" + props.getAdminScope())
                        .anyRequest().access(scopes(props.getRequiredScopes())))
                .oauth2ResourceServer(o -> o.bearerTokenResolver(bearer)
                        .authenticationManagerResolver(request -> bearer)
                        .authenticationEntryPoint(challenge)
                        .accessDeniedHandler(challenge))
                .exceptionHandling(e -> e.authenticationEntryPoint(challenge).accessDeniedHandler(challenge))
                .csrf(AbstractHttpConfigurer::disable)   // bearer tokens, no cookies: nothing to forge
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS)) // no session is a credential
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .addFilterAfter(new IdentityFilter(), AuthorizationFilter.class);
        LOG.info("Security on: /mcp needs {}{}{}", decoder != null ? "a bearer JWT" : "",
                decoder != null && !keys.isEmpty() ? " or " : "", keys.isEmpty() ? "" : "an API key",
                props.getRequiredScopes().isEmpty() ? "" : " with scope(s) " + props.getRequiredScopes());
        return http.build();
    }

    /** Authenticated, with every one of these scopes. */
    private static AuthorizationManager<RequestAuthorizationContext> scopes(List<String> required) {
        return (authentication, context) -> {
            var auth = authentication.get();
            if (auth == null || !auth.isAuthenticated() || !(auth instanceof io.camelmcp.gateway.security.GatewayAuthentication)) {
                return new AuthorizationDecision(false);
            }
            List<String> granted = auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
            return new AuthorizationDecision(required.stream().allMatch(s -> granted.contains("SCOPE_" + s)));
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
