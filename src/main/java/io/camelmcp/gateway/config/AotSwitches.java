package io.camelmcp.gateway.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.Environment;

import io.camelmcp.gateway.demo.DemoServers;
import io.camelmcp.gateway.kubernetes.KubernetesConfiguration;
import io.camelmcp.gateway.kubernetes.KubernetesProperties;

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

    /** A part of the gateway: on when its property is true; its beans are those of its configuration classes. */
    record Part(String property, Set<Class<?>> classes) {
    }

    static final List<Part> PARTS = List.of(
            new Part("mcp.gateway.demo.enabled", Set.of(DemoServers.class)),
            new Part("mcp.gateway.kubernetes.enabled", Set.of(KubernetesConfiguration.class, KubernetesProperties.class)));

    @Override
    public void initialize(GenericApplicationContext context) {
        if (!AotDetector.useGeneratedArtifacts()) {
            return; // the conditions on the configuration classes decide, as usual
        }
        Environment env = context.getEnvironment();
        context.addBeanFactoryPostProcessor(new BeanDefinitionRegistryPostProcessor() {
            @Override
            public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
                for (Part part : PARTS) {
                    if (!env.getProperty(part.property(), Boolean.class, false)) {
                        drop(registry, part.classes());
                    }
                }
            }

            @Override
            public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            }
        });
    }

    /** Drops the definitions of these classes and of every bean their {@code @Bean} methods make. */
    static void drop(BeanDefinitionRegistry registry, Set<Class<?>> classes) {
        Set<String> classNames = new HashSet<>();
        classes.forEach(c -> classNames.add(c.getName()));
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
