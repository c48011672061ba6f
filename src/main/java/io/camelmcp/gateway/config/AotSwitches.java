package io.camelmcp.gateway.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.Import;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;

import io.camelmcp.gateway.demo.DemoServers;
import io.camelmcp.gateway.kubernetes.KubernetesConfiguration;

/**
 * The optional parts of the gateway switched on or off when it starts, also when it runs with Spring AOT
 * ({@code -Dspring.aot.enabled=true}, as the container image does).
 *
 * <p>Spring AOT works out the bean definitions at build time, so a {@code @ConditionalOnProperty} is decided there
 * once. The build generates them with every optional part on (see the {@code spring-aot} execution in the pom);
 * at start-up this drops the beans of each part whose property is off, which is what the condition does without
 * AOT. Properties are read at refresh, after every property source (command line, environment, tests) is in.
 */
public class AotSwitches implements ApplicationContextInitializer<GenericApplicationContext> {

    /**
     * The optional parts, by configuration class. Each one's switch is read from its own
     * {@code @ConditionalOnProperty}, and its beans include the properties classes it enables.
     */
    static final List<Class<?>> PARTS = List.of(DemoServers.class, KubernetesConfiguration.class, RedisStoreConfiguration.class);

    /**
     * Spring Boot's parts that a property's presence switches on, by the names of their configuration classes: the
     * OTLP span exporter exists only with {@code management.otlp.tracing.endpoint} (the build sets one).
     */
    static final java.util.Map<String, Set<String>> BOOT_PARTS = java.util.Map.of("management.otlp.tracing.endpoint", Set.of(
            "org.springframework.boot.actuate.autoconfigure.tracing.otlp.OtlpTracingConfigurations$Exporters",
            "org.springframework.boot.actuate.autoconfigure.tracing.otlp.OtlpTracingConfigurations$ConnectionDetails"));

    @Override
    public void initialize(GenericApplicationContext context) {
        if (!AotDetector.useGeneratedArtifacts()) {
            return; // the conditions on the configuration classes decide, as usual
        }
        Environment env = context.getEnvironment();
        context.addBeanFactoryPostProcessor(new BeanDefinitionRegistryPostProcessor() {
            @Override
            public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
                for (Class<?> part : PARTS) {
                    if (!switchedOn(part, env)) {
                        drop(registry, classesOf(part));
                    }
                }
                BOOT_PARTS.forEach((property, classNames) -> {
                    if (!env.containsProperty(property)) {
                        dropNamed(registry, classNames);
                    }
                });
            }

            @Override
            public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            }
        });
    }

    /** What the part's {@code @ConditionalOnProperty} decides without AOT (name and havingValue; off when missing). */
    static boolean switchedOn(Class<?> part, Environment env) {
        MergedAnnotation<ConditionalOnProperty> condition = MergedAnnotations.from(part).get(ConditionalOnProperty.class);
        String value = env.getProperty(condition.getStringArray("name")[0]);
        return value != null && value.equalsIgnoreCase(condition.getString("havingValue"));
    }

    /** The configuration class, the properties classes it enables and the configuration it imports (transitively). */
    static Set<Class<?>> classesOf(Class<?> part) {
        Set<Class<?>> classes = new HashSet<>();
        collect(part, classes);
        return classes;
    }

    private static void collect(Class<?> config, Set<Class<?>> classes) {
        if (!classes.add(config)) {
            return;
        }
        MergedAnnotations annotations = MergedAnnotations.from(config);
        annotations.get(EnableConfigurationProperties.class).getValue("value", Class[].class)
                .ifPresent(enabled -> classes.addAll(List.<Class<?>>of(enabled)));
        annotations.stream(Import.class).forEach(i -> i.getValue("value", Class[].class)
                .ifPresent(imported -> List.<Class<?>>of(imported).forEach(c -> collect(c, classes))));
    }

    /** Drops the definitions of these classes and of every bean their {@code @Bean} methods make. */
    static void drop(BeanDefinitionRegistry registry, Set<Class<?>> classes) {
        Set<String> classNames = new HashSet<>();
        classes.forEach(c -> classNames.add(c.getName()));
        dropNamed(registry, classNames);
    }

    /** The same, by class names. */
    static void dropNamed(BeanDefinitionRegistry registry, Set<String> classNames) {
        Set<String> factories = new HashSet<>();
        for (String name : registry.getBeanDefinitionNames()) {
            if (classNames.contains(registry.getBeanDefinition(name).getBeanClassName())) {
                factories.add(name);
            }
        }
        for (String name : registry.getBeanDefinitionNames()) {
            BeanDefinition definition = registry.getBeanDefinition(name);
            if (factories.contains(name) || factories.contains(definition.getFactoryBeanName())) {
                registry.removeBeanDefinition(name);
            }
        }
    }
}
