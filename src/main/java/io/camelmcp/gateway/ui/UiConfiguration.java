package io.camelmcp.gateway.ui;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The status page at {@code /ui/}: static files (static/ui/, no build step) served by Spring MVC, the gateway's home
 * page ({@code /} redirects to it), and its data from {@link StatusApi}. The page holds no data itself, so it is public
 * even with security on; its data needs the admin scope.
 */
@Configuration(proxyBeanMethods = false)
public class UiConfiguration implements WebMvcConfigurer {

    static final String PAGE = "/ui/";

    /**
     * The page's own rules: its script and styles come from the gateway only and it talks to nobody else (what it shows
     * comes from MCP servers: a tool description must never become markup or script), and no other site frames it.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/", PAGE).setStatusCode(HttpStatus.FOUND);
        // the page's URLs are relative (app.js, api/status): they need the trailing slash, behind a proxy's prefix too
        registry.addRedirectViewController("/ui", PAGE).setStatusCode(HttpStatus.FOUND);
        registry.addViewController(PAGE).setViewName("forward:" + PAGE + "index.html");
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        // revalidated at every load (Last-Modified): after an upgrade the browser never runs the old page's script
        registry.addResourceHandler(PAGE + "**").addResourceLocations("classpath:/static/ui/")
                .setCacheControl(CacheControl.noCache());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                response.setHeader("X-Content-Type-Options", "nosniff");
                response.setHeader("Referrer-Policy", "no-referrer");
                return true;
            }
        }).addPathPatterns("/ui", PAGE + "**").excludePathPatterns(StatusApi.PATH + "/**");
    }
}
