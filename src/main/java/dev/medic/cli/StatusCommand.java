package dev.medic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.medic.api.StatusDocument;
import dev.medic.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code medic status}: asks the running daemon's local API; exit 69 when no daemon answers. */
@Command(name = "status", description = "Show the running daemon's view of every target.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the raw JSON of GET /status.")
    boolean json;

    @Mixin
    DaemonApiOption daemon;

    @Override
    public Integer call() throws InterruptedException {
        Optional<HttpResponse<String>> response = daemon.send("GET", "/status");
        if (response.isEmpty()) {
            return Main.EXIT_UNAVAILABLE;
        }
        if (response.get().statusCode() != 200) {
            System.err.println("medic: the daemon answered HTTP " + response.get().statusCode());
            return Main.EXIT_UNAVAILABLE;
        }
        String body = response.get().body();
        ObjectMapper mapper = new ObjectMapper();
        try {
            StatusDocument doc = mapper.readValue(body, StatusDocument.class);
            if (json) {
                System.out.println(mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            } else {
                System.out.print(render(doc));
            }
        } catch (IOException e) {
            System.err.println("medic: the daemon sent a status medic cannot read: " + e.getMessage());
            return Main.EXIT_UNAVAILABLE;
        }
        return Main.EXIT_OK;
    }

    static String render(StatusDocument doc) {
        StringBuilder sb = new StringBuilder();
        sb.append("medic ").append(doc.medic().version()).append(", up since ").append(doc.medic().startedAt())
                .append(", docker ").append(doc.medic().docker())
                .append(doc.medic().dryRun() ? ", DRY-RUN (nothing is changed)" : "").append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TARGET", "PHASE", "FAILURES", "STEP", "WHY", "LAST CHECK", "LAST ACTION"});
        for (StatusDocument.Target t : doc.targets()) {
            String check = t.lastCheck() == null ? "-"
                    : t.lastCheck().at() + " " + t.lastCheck().result() + " " + t.lastCheck().detail();
            String action = t.lastAction() == null ? "-"
                    : t.lastAction().at() + " " + t.lastAction().action() + " " + t.lastAction().outcome();
            String step = t.step() == 0 ? "-" : t.step() + " (attempt " + t.attempt() + ")";
            String why = t.reason() == null ? "-" : t.reason() + (t.until() == null ? "" : " until " + t.until());
            rows.add(new String[] {t.name(), t.phase(), Integer.toString(t.failures()), step, why, check, action});
        }
        sb.append(Table.render(rows));
        return sb.toString();
    }
}
