package dev.medic.cli;

import dev.medic.MedicVersion;
import dev.medic.event.HistoryLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes the manual page {@code medic.1} from the same picocli model the commands run on, so that it cannot drift
 * from {@code --help}: every command, its synopsis, options and parameters, and the exit codes. Run by the build
 * ({@code prepare-package}, {@code target/man/medic.1.gz}) and shipped in the .deb as
 * {@code /usr/share/man/man1/medic.1.gz}. The page is compressed as {@code gzip -9n} would: no file name, time 0,
 * maximum compression marked in the header, which is what Debian policy and lintian ask of a manual page.
 *
 * <p>Stateless; every method is a pure function of its arguments except {@link #main}, which writes the file.
 */
public final class ManPage {
    private ManPage() {
    }

    /** {@code ManPage OUTPUT.gz}: writes the compressed page, creating the directory. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ManPage OUTPUT.1.gz");
        }
        Path out = Path.of(args[0]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.write(out, gzip(troff(Main.commandLine()).getBytes(StandardCharsets.UTF_8)));
    }

    /** The page, in the man(7) macros. */
    static String troff(CommandLine root) {
        CommandSpec spec = root.getCommandSpec();
        StringBuilder t = new StringBuilder();
        t.append(".\\\" Generated from medic's command-line model by dev.medic.cli.ManPage; edit the commands, not this.\n");
        // No date: the page must be the same for the same sources (reproducible builds).
        t.append(".TH MEDIC 1 \"\" \"medic ").append(escape(MedicVersion.get())).append("\" \"User Commands\"\n");
        t.append(".SH NAME\n");
        t.append("medic \\- ").append(escape(lowerFirst(stripDot(first(spec.usageMessage().description()))))).append('\n');
        t.append(".SH SYNOPSIS\n");
        t.append(".B medic\n.I COMMAND\n.RI [ OPTIONS ]\n.br\n.B medic help\n.I COMMAND\n");
        t.append(".SH DESCRIPTION\n");
        t.append(paragraph("""
                medic runs as a systemd service, checks containers, compose services, systemd units and health \
                endpoints on an interval, counts failures per target, and heals up a ladder: restart the container, \
                then the compose project, then give up and alert. Every event goes to the journal. The commands \
                below run the daemon, check and validate the configuration, and ask the running daemon (through its \
                local API) for its view, its history and explanations, or to pause a target."""));
        t.append(".SH OPTIONS\n");
        t.append(paragraph("These options are taken by medic and by every command:"));
        for (OptionSpec o : sorted(spec.options())) {
            option(t, o);
        }
        t.append(".SH COMMANDS\n");
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden() || !sub.name().equals(e.getKey())) {
                continue;
            }
            command(t, e.getValue());
        }
        t.append(".SH EXIT STATUS\n");
        for (Map.Entry<String, String> e : spec.usageMessage().exitCodeList().entrySet()) {
            t.append(".TP\n.B ").append(escape(e.getKey().strip())).append('\n').append(text(e.getValue()));
        }
        t.append(".SH ENVIRONMENT\n");
        item(t, "COLUMNS", "The width medic status cuts its table to (100 when unset; a shell sets it but often does"
                + " not export it). medic status -o wide cuts nothing.");
        item(t, "TZ", "The time zone in which times are shown; the JSON output keeps UTC instants.");
        item(t, "MEDIC_LOG_LEVEL", "The log level of medic run (INFO by default); the other commands log nothing"
                + " unless it is set.");
        t.append(".SH FILES\n");
        item(t, "/etc/medic/medic.conf", "The configuration (HOCON), then /etc/medic/conf.d/*.conf in name order;"
                + " --config FILE reads FILE instead.");
        item(t, "/var/lib/medic/state.json", "What medic remembers across restarts (state-file).");
        item(t, "/var/lib/medic/" + HistoryLog.FILE_NAME, "The events medic history prints, next to the state file;"
                + " readable while medic is down.");
        item(t, "/usr/share/doc/medic/README.md", "The full guide: every configuration key, the ladder, the API.");
        t.append(".SH SEE ALSO\n");
        t.append(".BR journalctl (1),\n.BR systemctl (1),\n.BR docker (1)\n");
        return t.toString();
    }

    private static void command(StringBuilder t, CommandLine cmd) {
        CommandSpec spec = cmd.getCommandSpec();
        // picocli's own synopsis, as --help prints it, without the inherited -h and -V listed once under OPTIONS.
        String synopsis = cmd.getHelp().synopsis(0).strip().replace(" [-hV]", "").replaceAll("\\s+", " ");
        t.append(".SS \"").append(escape(synopsis).replace("\"", "\\(dq")).append("\"\n");
        for (String d : spec.usageMessage().description()) {
            t.append(text(d));
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            t.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n');
            for (String d : p.description()) {
                t.append(text(d));
            }
        }
        for (OptionSpec o : sorted(spec.options())) {
            // -h and -V come to every command from medic's own (scope INHERIT) and are listed once, under OPTIONS.
            if (!o.usageHelp() && !o.versionHelp()) {
                option(t, o);
            }
        }
    }

    private static void option(StringBuilder t, OptionSpec o) {
        if (o.hidden()) {
            return;
        }
        t.append(".TP\n");
        List<String> names = new ArrayList<>();
        for (String n : o.names()) {
            names.add("\\fB" + escape(n) + "\\fR");
        }
        t.append(String.join(", ", names));
        if (o.arity().max() > 0) {
            t.append("=\\fI").append(escape(o.paramLabel())).append("\\fR");
        }
        t.append('\n');
        for (String d : o.description()) {
            t.append(text(d));
        }
    }

    private static void item(StringBuilder t, String name, String what) {
        t.append(".TP\n.B ").append(escape(name)).append('\n').append(text(what));
    }

    /** As --help sorts options: by their shortest name, dashes aside. */
    private static List<OptionSpec> sorted(List<OptionSpec> options) {
        return options.stream().sorted(Comparator.comparing(
                (OptionSpec o) -> o.shortestName().replaceFirst("^-+", "").toLowerCase(Locale.ROOT))).toList();
    }

    private static String paragraph(String text) {
        return ".PP\n" + text(text);
    }

    /**
     * A description as troff text lines: picocli's {@code %n} breaks a line there ({@code .br}), {@code %%} is a
     * percent sign; each line escaped.
     */
    private static String text(String description) {
        StringBuilder out = new StringBuilder();
        String[] lines = description.replace("%%", "\u0000").replaceAll("^(%n|\\s)+|(%n|\\s)+$", "")
                .split("%n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replace('\u0000', '%').strip();
            if (i > 0) {
                out.append(".br\n");
            }
            if (!line.isEmpty()) {
                out.append(escape(line)).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * {@code s} as troff text: a backslash is {@code \e}, a hyphen {@code \-} (a minus, so that options can be
     * searched and pasted), a character outside ASCII a {@code \[uXXXX]} escape, and a line that would start with a
     * control character ({@code .} or {@code '}) is protected by {@code \&}.
     */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        s.codePoints().forEach(cp -> {
            if (cp == '\\') {
                out.append("\\e");
            } else if (cp == '-') {
                out.append("\\-");
            } else if (cp == '\n' || cp == '\r' || cp == '\t') {
                out.append(' ');
            } else if (cp < 0x20 || cp == 0x7f) {
                out.append('?');
            } else if (cp > 0x7e) {
                out.append(String.format(Locale.ROOT, "\\[u%04X]", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        if (out.length() > 0 && (out.charAt(0) == '.' || out.charAt(0) == '\'')) {
            out.insert(0, "\\&");
        }
        return out.toString();
    }

    private static String first(String[] description) {
        return description.length == 0 ? "" : description[0];
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }

    /**
     * {@code data} as {@code gzip -9n} writes it: no name, modification time 0, XFL 2 (maximum compression, what
     * {@code file} reports and lintian checks), OS 3 (Unix). The JDK's GZIPOutputStream writes XFL 0 and OS 0.
     */
    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 32);
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, deflater) {
            @Override
            public void close() throws IOException {
                // Finish the raw stream but keep `out` open for the trailer.
                finish();
            }
        }) {
            deflate.write(data);
        } finally {
            deflater.end();
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        writeLittleEndian(out, crc.getValue());
        writeLittleEndian(out, data.length & 0xffffffffL);
        return out.toByteArray();
    }

    private static void writeLittleEndian(ByteArrayOutputStream out, long value) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }
}
