package dev.medic.cli;

import java.net.http.HttpResponse;
import java.util.Optional;

/** What pause and resume print, and their exit codes: 0 done, 2 unknown target, 69 no daemon. */
final class TargetActions {
    private TargetActions() {
    }

    static int report(Optional<HttpResponse<String>> response, String target) {
        if (response.isEmpty()) {
            return Main.EXIT_UNAVAILABLE;
        }
        int status = response.get().statusCode();
        if (status == 404) {
            System.err.println("medic: unknown target " + target + " (see medic status)");
            return Main.EXIT_USAGE;
        }
        if (status != 200) {
            System.err.println("medic: the daemon answered HTTP " + status + ": " + response.get().body());
            return status == 400 ? Main.EXIT_USAGE : Main.EXIT_UNAVAILABLE;
        }
        System.out.println(response.get().body());
        return Main.EXIT_OK;
    }
}
