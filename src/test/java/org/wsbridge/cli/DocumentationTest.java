package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The annotated options are the reference: the help, the man page and the README's option table must list
 * exactly the same options, so none of them can drift from the code.
 */
class DocumentationTest {
    private static final Path MAN_PAGE = Path.of("man/wsbridge.1");
    private static final Path README = Path.of("README.md");
    private static final Set<String> NO_DEFAULT = Set.of("--version", "--license", "--help");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*[a-z]");

    private final CommandSpec spec =
            GoFlagSyntax.commandLine(CommandLineSyntaxTest.newOptions()).getCommandSpec();

    private Set<String> optionNames() {
        Set<String> names = new TreeSet<>();
        spec.options().forEach(option -> names.add(option.longestName()));
        return names;
    }

    @Test
    void everyOptionHasAHelpSectionAndStatesItsDefault() {
        for (OptionSpec option : spec.options()) {
            assertTrue(UsageText.HEADINGS.containsKey(UsageText.group(option)),
                    option.longestName() + ": order " + option.order() + " is in no help section");
            String description = String.join(" ", option.description());
            assertTrue(NO_DEFAULT.contains(option.longestName()) || description.contains("Default: "),
                    option.longestName() + " does not state its default");
            assertTrue(!description.contains("${"), option.longestName() + ": unresolved variable");
        }
    }

    @Test
    void helpListsEveryOption() {
        String help = UsageText.full(spec, "wsbridge");
        for (OptionSpec option : spec.options()) {
            assertTrue(help.contains("\n  " + UsageText.synopsis(option)), option.longestName());
        }
        assertTrue(help.lines().allMatch(line -> line.length() <= 80 || line.startsWith("  --")), help);
    }

    @Test
    void helpUsesTheBinaryName() {
        String help = UsageText.full(spec, "websocketd");
        assertTrue(help.startsWith("Usage:\n  websocketd [options] COMMAND [command args]\n"
                + "  websocketd [options] --dir=SOMEDIR\n"), help);
        assertEquals("Usage:\n  ws [options] COMMAND [command args]\n  ws [options] --dir=SOMEDIR\n  ws --help\n",
                UsageText.brief("ws"));
    }

    @Test
    void manPageDocumentsExactlyTheOptions() throws IOException {
        List<String> lines = Files.readAllLines(MAN_PAGE);
        Set<String> documented = new TreeSet<>();
        boolean inOptions = false;
        for (int i = 0; i + 1 < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith(".SH ")) {
                inOptions = line.equals(".SH OPTIONS");
            }
            if (inOptions && line.equals(".TP")) {
                documented.addAll(optionsIn(lines.get(i + 1)));
            }
        }
        assertEquals(optionNames(), documented, "man page OPTIONS vs WsbridgeCommand");
        assertTrue(lines.contains("\\fB\\-\\-help\\fR, \\fB\\-h\\fR"), "-h documented");
    }

    @Test
    void manPageHasTheRequiredSections() throws IOException {
        List<String> sections = Files.readAllLines(MAN_PAGE).stream().filter(l -> l.startsWith(".SH ")).toList();
        assertEquals(List.of(".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS", ".SH ENVIRONMENT",
                ".SH EXIT STATUS", ".SH SIGNALS", ".SH EXAMPLES", ".SH DIFFERENCES FROM WEBSOCKETD", ".SH SEE ALSO"),
                sections);
    }

    @Test
    void readmeListsEveryOption() throws IOException {
        String readme = Files.readString(README);
        Set<String> missing = new TreeSet<>(optionNames());
        missing.removeAll(optionsIn(readme));
        assertEquals(Set.of(), missing, "options missing from README.md");
    }

    /** The --options named in a piece of troff or markdown. */
    private static Set<String> optionsIn(String text) {
        Matcher matcher = OPTION.matcher(text.replace("\\-", "-").replaceAll("\\\\f[BIRP]", ""));
        Set<String> names = new TreeSet<>();
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }
}
