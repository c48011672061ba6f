package io.camelmcp.gateway.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The shape of the code: one concern per package, no cycles between packages, and a layering in which the domain
 * (federation, relay, upstream, registry, session) never reaches up to the HTTP edge or to security (which the routes
 * call, and which plugs into the upstream client through an interface of the upstream package). Beans return values
 * ({@code exchange.Answer}); only the endpoint writes HTTP.
 */
@AnalyzeClasses(packages = "io.camelmcp.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noCyclesBetweenPackages = slices().matching("io.camelmcp.gateway.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Config").definedBy("io.camelmcp.gateway.config..")
            .layer("Edge").definedBy("io.camelmcp.gateway.endpoint..", "io.camelmcp.gateway.health..",
                    "io.camelmcp.gateway.kubernetes..", "io.camelmcp.gateway.demo..", "io.camelmcp.gateway.routes..",
                    "io.camelmcp.gateway.registration..", "io.camelmcp.gateway.ui..")
            .layer("Security").definedBy("io.camelmcp.gateway.security..")
            .layer("Tracing").definedBy("io.camelmcp.gateway.tracing..")
            .layer("Federation").definedBy("io.camelmcp.gateway.federation..")
            .layer("Relay").definedBy("io.camelmcp.gateway.relay..")
            .layer("Upstream").definedBy("io.camelmcp.gateway.upstream..")
            .layer("State").definedBy("io.camelmcp.gateway.registry..", "io.camelmcp.gateway.session..")
            .layer("Exchange").definedBy("io.camelmcp.gateway.exchange..")
            .layer("Protocol").definedBy("io.camelmcp.gateway.protocol..")
            .whereLayer("Config").mayNotBeAccessedByAnyLayer()
            .whereLayer("Edge").mayOnlyBeAccessedByLayers("Config")
            .whereLayer("Security").mayOnlyBeAccessedByLayers("Config", "Edge")
            .whereLayer("Tracing").mayOnlyBeAccessedByLayers("Config", "Edge")
            .whereLayer("Federation").mayOnlyBeAccessedByLayers("Config", "Edge", "Security")
            .whereLayer("Relay").mayOnlyBeAccessedByLayers("Config", "Edge", "Security", "Federation")
            .whereLayer("Upstream").mayOnlyBeAccessedByLayers("Config", "Edge", "Security", "Federation", "Relay")
            .whereLayer("State").mayOnlyBeAccessedByLayers("Config", "Edge", "Security", "Tracing", "Federation", "Relay",
                    "Upstream")
            .whereLayer("Exchange").mayOnlyBeAccessedByLayers("Config", "Edge", "Security", "Tracing", "Federation", "Relay");

    /** The domain answers with values; the servlet API belongs to the endpoint. */
    @ArchTest
    static final ArchRule noHttpInTheDomain = noClasses().that().resideInAnyPackage("io.camelmcp.gateway.federation..",
                    "io.camelmcp.gateway.tracing..",
                    "io.camelmcp.gateway.relay..", "io.camelmcp.gateway.upstream..", "io.camelmcp.gateway.registry..",
                    "io.camelmcp.gateway.session..", "io.camelmcp.gateway.exchange..", "io.camelmcp.gateway.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "org.apache.camel.http..");

    /** Protocol rules are plain Java: they unit-test without Camel. */
    @ArchTest
    static final ArchRule protocolWithoutCamel = noClasses().that().resideInAPackage("io.camelmcp.gateway.protocol..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.camel..");
}
