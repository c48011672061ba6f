package io.camelmcp.gateway.support;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

import io.camelmcp.gateway.session.Identity;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Identities for tests of what comes after authentication: a servlet filter that leaves, for a request with
 * {@code X-Test-Identity: name;scope,scope;group,group;claim=value,claim=value}, that API-key identity where the
 * security filter leaves the real one ({@link Identity#ATTRIBUTE}). Without the header: anonymous. Import
 * {@link Config} into a test's context.
 */
public final class TestIdentities implements Filter {

    public static final String HEADER = "X-Test-Identity";

    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {
        @Bean
        FilterRegistrationBean<TestIdentities> testIdentities() {
            FilterRegistrationBean<TestIdentities> reg = new FilterRegistrationBean<>(new TestIdentities());
            reg.addUrlPatterns("/mcp", "/mcp/*");
            return reg;
        }
    }

    public static Identity parse(String value) {
        String[] parts = (value + ";;;").split(";", -1);
        Map<String, Object> claims = Arrays.stream(parts[3].split(",")).filter(c -> c.contains("="))
                .collect(Collectors.toMap(c -> c.substring(0, c.indexOf('=')), c -> c.substring(c.indexOf('=') + 1)));
        return new Identity(Identity.API_KEY, parts[0], null, set(parts[1]), set(parts[2]), claims, null);
    }

    private static Set<String> set(String csv) {
        return Arrays.stream(csv.split(",")).filter(s -> !s.isBlank()).collect(Collectors.toSet());
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        String value = ((HttpServletRequest) req).getHeader(HEADER);
        if (value != null && !value.isBlank()) {
            req.setAttribute(Identity.ATTRIBUTE, parse(value));
        }
        chain.doFilter(req, res);
    }
}
