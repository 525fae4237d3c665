package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** medic.1, generated from the command tree: complete, valid troff, compressed as Debian asks. */
class ManPageTest {
    /** The man(7) requests the page may use; anything else at the start of a line would be a typo or a leak. */
    private static final Set<String> MACROS = Set.of(".\\\"", ".TH", ".SH", ".SS", ".PP", ".TP", ".B", ".I", ".BR",
            ".RI", ".br");

    @TempDir
    Path dir;

    private static final String PAGE = ManPage.troff(Main.commandLine());

    @Test
    void thePageNamesEveryCommandAndEachOfItsOptionsAndParameters() {
        CommandLine root = Main.commandLine();
        for (var e : root.getSubcommands().entrySet()) {
            assertTrue(PAGE.contains(".SS \"medic " + ManPage.escape(e.getKey())), "command " + e.getKey());
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                for (String name : o.names()) {
                    assertTrue(PAGE.contains("\\fB" + ManPage.escape(name) + "\\fR"), e.getKey() + " " + name);
                }
                if (o.usageHelp() || o.versionHelp()) {
                    continue; // listed once, under OPTIONS, as medic's own
                }
                for (String line : o.description()) {
                    assertTrue(PAGE.contains(ManPage.escape(line.strip())), e.getKey() + " " + o.longestName()
                            + ": " + line);
                }
            }
            for (var p : e.getValue().getCommandSpec().positionalParameters()) {
                assertTrue(PAGE.contains(".I " + p.paramLabel()), e.getKey() + " " + p.paramLabel());
            }
        }
        for (OptionSpec o : root.getCommandSpec().options()) {
            assertTrue(PAGE.contains(ManPage.escape(o.description()[0])), o.longestName());
        }
        assertTrue(PAGE.matches("(?s).*\\.SS \"medic pause \\[[^\n]*\\[\\\\-\\\\-for=DURATION\\] TARGET\"\n.*"),
                "picocli's synopsis: " + PAGE);
    }

    @Test
    void theExitCodesAreMedics() {
        for (int code : new int[] {Main.EXIT_OK, Main.EXIT_UNHEALTHY, Main.EXIT_USAGE, Main.EXIT_UNAVAILABLE,
                Main.EXIT_CONFIG}) {
            assertTrue(PAGE.contains(".TP\n.B " + code + "\n"), "exit " + code);
        }
    }

    @Test
    void everyLineIsTextOrAKnownRequestAndNoTextLineStartsLikeARequest() {
        assertTrue(PAGE.startsWith(".\\\" Generated"), PAGE);
        assertTrue(PAGE.lines().anyMatch(l -> l.startsWith(".TH MEDIC 1 ")), PAGE);
        assertTrue(PAGE.contains(".SH NAME\nmedic \\- self\\-healing watchdog for Docker hosts\n"), "whatis entry");
        for (String line : PAGE.lines().toList()) {
            if (line.startsWith(".") || line.startsWith("'")) {
                assertTrue(MACROS.contains(line.split(" ", 2)[0]), "request: " + line);
            }
            assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "ASCII only: " + line);
        }
    }

    @Test
    void escapingKeepsTextFromBecomingTroff() {
        assertEquals("\\&.SH not a heading", ManPage.escape(".SH not a heading"));
        assertEquals("\\&'br", ManPage.escape("'br"));
        assertEquals("a \\e fB b \\-\\-c", ManPage.escape("a \\ fB b --c"));
        assertEquals("caf\\[u00E9] \\[u2014] \\[u1F600]", ManPage.escape("café — \uD83D\uDE00"));
        assertEquals("one line ?", ManPage.escape("one\nline \u001b"));
    }

    @Test
    void mainWritesThePageCompressedAsGzipNineNWouldTheSameEveryTime() throws IOException {
        Path out = dir.resolve("man/medic.1.gz");
        ManPage.main(new String[] {out.toString()});
        byte[] gz = Files.readAllBytes(out);

        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3}, Arrays.copyOf(gz, 10),
                "deflate, no name, mtime 0, max compression, Unix");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(out))) {
            assertEquals(PAGE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        ManPage.main(new String[] {out.toString()});
        assertArrayEquals(gz, Files.readAllBytes(out), "reproducible");
        assertTrue(gz.length < PAGE.length() / 2, "compressed: " + gz.length);
    }

    /** What lintian runs on a manual page; any line on stderr is a lintian warning. */
    @Test
    void manRendersThePageWithoutAWarning() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/man")), "man is not installed (scripts/test installs man-db)");
        Path out = dir.resolve("medic.1.gz");
        ManPage.main(new String[] {out.toString()});
        Process p = new ProcessBuilder(List.of("man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", out.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String warnings = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), warnings);
        assertEquals("", warnings);
    }
}
