package io.presence.node;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every test class says what it costs, with one of three tags, so that {@code -Dgroups=unit}
 * runs the fast ones in seconds (README, "Tests"): {@code unit} (no server, no socket kept),
 * {@code in-jvm} (nodes, members or servers in the test's JVM, over real connections),
 * {@code process} (node processes, signals, network namespaces).
 */
@Tag("unit")
class TestKindsTest {

    static final Set<String> KINDS = Set.of("unit", "in-jvm", "process");

    @Test
    void everyTestClassHasExactlyOneKind() {
        List<JavaClass> tests = new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("io.presence.node").stream()
                .filter(c -> c.isTopLevelClass() && (c.getSimpleName().endsWith("Test") || c.getSimpleName().endsWith("IT")))
                .toList();
        assertFalse(tests.isEmpty(), "no test classes found");
        List<String> wrong = tests.stream()
                .filter(c -> {
                    Tag tag = c.reflect().getAnnotation(Tag.class);
                    return tag == null || !KINDS.contains(tag.value());
                })
                .map(JavaClass::getName).sorted().toList();
        assertEquals(List.of(), wrong, "test classes without one of the tags " + KINDS);
    }
}
