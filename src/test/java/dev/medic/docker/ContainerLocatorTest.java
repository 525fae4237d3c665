package dev.medic.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ContainerTarget;
import dev.medic.config.DockerHealthMode;
import dev.medic.config.ServiceTarget;
import dev.medic.core.HealthPolicy;
import dev.medic.fakes.FakeContainerRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ContainerLocatorTest {
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
            Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
    private static final String CACHE_ID = "db3f0c2a9e815d7c4b6a5d7c4b6a5d7c4b6a5d7c4b6a5d7c4b6a5d7c4b6a1234";
    private static final String DB_ID = "a1b2c3d4e5f60a1b2c3d0a1b2c3d0a1b2c3d0a1b2c3d0a1b2c3d0a1b2c3d5678";

    /**
     * Looks containers up as dockerd does (the shared fake matches exactly): the full id, else the exact
     * name, else the one container whose id starts with what was asked.
     */
    private static final class DockerdLookup implements ContainerRuntime {
        final List<ContainerInfo> containers = new ArrayList<>();

        @Override
        public Optional<ContainerInfo> inspect(String nameOrId) {
            Optional<ContainerInfo> byId = containers.stream().filter(c -> c.id().equals(nameOrId)).findFirst();
            if (byId.isPresent()) {
                return byId;
            }
            Optional<ContainerInfo> byName = containers.stream().filter(c -> c.name().equals(nameOrId)).findFirst();
            if (byName.isPresent()) {
                return byName;
            }
            List<ContainerInfo> byPrefix = containers.stream().filter(c -> c.id().startsWith(nameOrId)).toList();
            return byPrefix.size() == 1 ? Optional.of(byPrefix.get(0)) : Optional.empty();
        }

        @Override
        public List<ContainerInfo> findByLabels(Map<String, String> labels) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void restart(String id, Duration stopTimeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ExecResult exec(String id, List<String> command, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Diagnostics> diagnose(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> logTail(String id, int lines) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AutoCloseable subscribe(Optional<java.time.Instant> since, Consumer<ContainerEvent> onEvent,
                                       Consumer<Throwable> onClosed) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ContainerEvent> pastEvents(java.time.Instant since, java.time.Instant until) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private final DockerdLookup docker = new DockerdLookup();
    private final ContainerLocator locator = new ContainerLocator(docker);

    private static ContainerInfo running(String id, String name) {
        return new ContainerInfo(id, name, "running", true, false, false, 0, Optional.empty(), "", "t0", Map.of());
    }

    private static ContainerTarget bound(String container) {
        return new ContainerTarget("db", container, POLICY, Duration.ofSeconds(1), List.of(), DockerHealthMode.AUTO,
                Optional.empty(), false);
    }

    private Optional<String> locatedId(String container) throws DockerUnavailableException {
        return locator.locate(bound(container)).map(ContainerInfo::id);
    }

    @Test
    void aShortNameIsNotBoundToAnotherContainerWhoseIdStartsWithIt() throws Exception {
        docker.containers.add(running(CACHE_ID, "shop_cache_1"));
        assertTrue(docker.inspect("db").isPresent(), "dockerd's prefix fallback must answer for this test to mean much");
        assertEquals(Optional.empty(), locatedId("db"));
        assertEquals(Optional.empty(), locatedId("db3f0c2a9e8"));
    }

    @Test
    void theExactNameIsFoundEvenWhenAnotherIdStartsWithIt() throws Exception {
        docker.containers.add(running(CACHE_ID, "shop_cache_1"));
        docker.containers.add(running(DB_ID, "db"));
        assertEquals(Optional.of(DB_ID), locatedId("db"));
    }

    @Test
    void anIdPrefixOfTwelveCharactersOrMoreAndTheFullIdAreFound() throws Exception {
        docker.containers.add(running(CACHE_ID, "shop_cache_1"));
        assertEquals(Optional.of(CACHE_ID), locatedId(CACHE_ID.substring(0, 12)));
        assertEquals(Optional.of(CACHE_ID), locatedId(CACHE_ID.substring(0, 20)));
        assertEquals(Optional.of(CACHE_ID), locatedId(CACHE_ID));
    }

    // A compose service is found by labels, and labels are claims: anyone can start a container that says it is
    // service web of project shop. The locator must not then pick one (the newest, say) and let medic act on it.

    private final FakeContainerRuntime fake = new FakeContainerRuntime();
    private final ContainerLocator byLabels = new ContainerLocator(fake);
    private static final ServiceTarget WEB = new ServiceTarget("web", "shop", "web", POLICY, Duration.ofSeconds(1),
            List.of(), DockerHealthMode.AUTO, Optional.empty());

    private static Map<String, String> composeMade(int number) {
        return Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, "web",
                ComposeProject.CONFIG_HASH_LABEL, "c0ffee", ComposeProject.CONTAINER_NUMBER_LABEL,
                Integer.toString(number), ComposeProject.ONEOFF_LABEL, "False");
    }

    private static ContainerInfo exited(String id, String name, Map<String, String> labels) {
        return new ContainerInfo(id, name, "exited", false, false, false, 1, Optional.empty(), "", "t0", labels);
    }

    @Test
    void aContainerComposeDidNotMakeBesideTheServiceMakesTheLocatorPickNeitherAndSayWhy() {
        fake.put(exited("r1", "shop_web_1", composeMade(1)));
        fake.put(FakeContainerRuntime.running("i1", "impostor", Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "web", "autoheal", "true"), null));

        DockerUnavailableException e = assertThrows(DockerUnavailableException.class, () -> byLabels.locate(WEB));

        assertEquals("2 containers claim to be service web of project shop: impostor (i1) was not created by compose"
                + " (no config-hash or container-number label); medic cannot tell which is the service and acts on none"
                + " of them", e.getMessage());
        assertTrue(ContainerLocator.isConflict(e), "told apart from Docker being away");
        fake.unreachable = true;
        assertFalse(ContainerLocator.isConflict(assertThrows(DockerUnavailableException.class,
                () -> byLabels.locate(WEB))));
    }

    @Test
    void scaledReplicasAreFoundButTwoContainersWithTheSameContainerNumberAreNotReplicas() throws Exception {
        fake.put(exited("r1", "shop_web_1", composeMade(1)));
        fake.put(FakeContainerRuntime.running("r2", "shop_web_2", composeMade(2), null));
        assertEquals(Optional.of("r2"), byLabels.locate(WEB).map(ContainerInfo::id), "replicas: a running one");

        fake.put(FakeContainerRuntime.running("i1", "impostor", composeMade(1), null));
        DockerUnavailableException e = assertThrows(DockerUnavailableException.class, () -> byLabels.locate(WEB));

        assertTrue(e.getMessage().contains("shop_web_1 (r1) and impostor (i1) both claim to be container number 1")
                || e.getMessage().contains("impostor (i1) and shop_web_1 (r1) both claim to be container number 1"),
                e.getMessage());
    }

    @Test
    void aReplicaWhoseComposeLabelsComeFromItsImageIsAnImpostorAndNeitherIsPicked() throws Exception {
        fake.put(exited("r1", "shop_web_1", composeMade(1)));
        fake.put(FakeContainerRuntime.running("i99", "innocent_looking", composeMade(99), null));
        assertEquals(Optional.of("i99"), byLabels.locate(WEB).map(ContainerInfo::id),
                "by labels alone it passes for a running replica");

        fake.imageLabelsById.put("i99", composeMade(99));
        DockerUnavailableException e = assertThrows(DockerUnavailableException.class, () -> byLabels.locate(WEB));

        assertTrue(e.getMessage().startsWith("innocent_looking (i99) carries compose labels from its image, not from"
                + " compose; medic acts on none of the 2 containers"), e.getMessage());
        assertTrue(ContainerLocator.isConflict(e));
    }

    @Test
    void aOneOffOfComposeRunIsNotTheService() throws Exception {
        fake.put(exited("r1", "shop_web_1", composeMade(1)));
        Map<String, String> oneOff = new java.util.HashMap<>(composeMade(1));
        oneOff.put(ComposeProject.ONEOFF_LABEL, "True");
        fake.put(FakeContainerRuntime.running("o1", "shop_web_run_1", oneOff, null));

        assertEquals(Optional.of("r1"), byLabels.locate(WEB).map(ContainerInfo::id),
                "the service's own container, though the one-off runs");
    }

    @Test
    void aNameInTheConflictCannotBreakTheLine() {
        fake.put(FakeContainerRuntime.running("r1", "shop_web_1", composeMade(1), null));
        fake.put(FakeContainerRuntime.running("i1", "x\n<4>event=recovered target=db", composeMade(1), null));

        DockerUnavailableException e = assertThrows(DockerUnavailableException.class, () -> byLabels.locate(WEB));

        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("\"x\\n<4>event=recovered target=db\" (i1)"), e.getMessage());
    }
}
