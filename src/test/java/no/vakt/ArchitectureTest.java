package no.vakt;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/architecture.md, checked on the product classes: no package (sub-packages
 * included) takes part in a cycle, and each layer uses only the layers below it.
 */
class ArchitectureTest {
    /**
     * Bottom to top; a layer may use only the layers of the rows before its own, never one of its own row
     * (so replication, traffic and file sync stay independent of one another). Failover is one tree, ordered
     * inside: detector model, plan and step engine, steps, switchover/rejoin, then the monitor at its root.
     */
    static final List<List<String>> LAYERS = List.of(
            List.of("cluster", "process", "journal", "http"),
            List.of("config"),
            List.of("db"),
            List.of("roles"),
            List.of("alert", "maintenance", "coordination"),
            List.of("replication", "traffic", "filesync", "warmup"),
            List.of("backup"),
            List.of("status"),
            List.of("failover.detect"),
            List.of("failover.plan"),
            List.of("failover.steps"),
            List.of("failover.planned"),
            List.of("failover"),
            List.of("check"),
            List.of("drill"),
            List.of("server", "lab"),
            List.of("cli"));

    static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("no.vakt");
    }

    @Test
    void noPackageIsInACycleAtAnyDepth() {
        // (**) captures the whole package name, so every package and sub-package is a slice of its own
        slices().matching("no.vakt.(**)").should().beFreeOfCycles().check(product);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        layering().check(product);
    }

    @Test
    void theClusterModelNamesNothingOfVaktButItself() {
        noClasses().that().resideInAPackage("no.vakt.cluster..")
                .should().dependOnClassesThat(resideInAPackage("no.vakt..").and(not(resideInAPackage("no.vakt.cluster.."))))
                .check(product);
    }

    @Test
    void theConfigNamesNoFeature() {
        noClasses().that().resideInAPackage("no.vakt.config..")
                .should().dependOnClassesThat(resideInAPackage("no.vakt..")
                        .and(not(resideInAnyPackage("no.vakt.config..", "no.vakt.cluster.."))))
                .because("feature sections are config records, or registered by their feature (TrafficEntryTypes)")
                .check(product);
    }

    @Test
    void theSandboxIsUsedOnlyByTheCommandLine() {
        noClasses().that().resideOutsideOfPackages("no.vakt.lab..", "no.vakt.cli..")
                .should().dependOnClassesThat().resideInAPackage("no.vakt.lab..")
                .check(product);
        noClasses().that().resideOutsideOfPackage("no.vakt.cli..")
                .should().dependOnClassesThat().resideInAPackage("no.vakt.cli..")
                .check(product);
    }

    static ArchRule layering() {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (List<String> row : LAYERS) {
            for (String p : row) rule = rule.layer(p).definedBy(packageOf(p));
        }
        List<String> below = new ArrayList<>();
        for (List<String> row : LAYERS) {
            for (String p : row) {
                rule = below.isEmpty()
                        ? rule.whereLayer(p).mayNotAccessAnyLayer()
                        : rule.whereLayer(p).mayOnlyAccessLayers(below.toArray(String[]::new));
            }
            below.addAll(row);
        }
        return rule.whereLayer("lab").mayOnlyBeAccessedByLayers("cli");
    }

    /** The failover root is its own layer: its sub-packages are layers of their own. */
    static String packageOf(String layer) {
        return layer.equals("failover") ? "no.vakt.failover" : "no.vakt." + layer + "..";
    }
}
