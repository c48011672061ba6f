package io.camelmcp.gateway.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.camelmcp.gateway.security.UpstreamTokens;

/** The upstream servers' own credentials ({@code mcp.gateway.servers[i].auth}), which the upstream client sends. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamTokensProperties.class)
public class UpstreamCredentialsConfiguration {

    @Bean(destroyMethod = "close")
    UpstreamTokens upstreamTokens(UpstreamTokensProperties props) {
        return new UpstreamTokens(props.getTimeout(), props.getRefreshBefore(), props.getFailureBackoff(),
                props.getExchangeCacheSize());
    }
}
