package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the service's user may read, worked out by root from the mode bits along the path: a fake file system
 * (a map of paths to owner, group and mode) and a fake kernel stand in for the host.
 */
class PosixServiceUserTest {
    private static final int MEDIC = 999;
    private static final int MEDIC_GROUP = 999;
    private static final int DOCKER = 998;
    private static final int ALICE = 4242;

    private final Map<Path, FileStat> files = new HashMap<>();
    private final Map<Path, Path> links = new HashMap<>();
    private final List<Path> askedTheKernel = new ArrayList<>();
    private boolean kernelSays;

    private void dir(String path, int uid, int gid, int mode) {
        files.put(Path.of(path), new FileStat(uid, gid, mode, true, false));
    }

    private void file(String path, int uid, int gid, int mode) {
        files.put(Path.of(path), new FileStat(uid, gid, mode, false, false));
    }

    private PosixServiceUser medic() {
        return new PosixServiceUser("medic", MEDIC, Set.of(MEDIC_GROUP, DOCKER), p -> Optional.ofNullable(files.get(p)),
                p -> {
                    Path real = links.getOrDefault(p, p);
                    return files.containsKey(real) ? Optional.of(real) : Optional.empty();
                },
                (user, path, directory) -> {
                    askedTheKernel.add(path);
                    return kernelSays;
                });
    }

    private void aSystem() {
        dir("/", 0, 0, 0755);
        dir("/home", 0, 0, 0755);
        dir("/srv", 0, 0, 0755);
        dir("/root", 0, 0, 0700);
    }

    @Test
    void aFileInAnOpenDirectoryThatOthersMayReadIsReadable() {
        aSystem();
        dir("/srv/shop", 0, 0, 0755);
        file("/srv/shop/docker-compose.yml", 0, 0, 0644);

        assertEquals(new ServiceUser.Granted(), medic().access(Path.of("/srv/shop/docker-compose.yml")));
        assertEquals(new ServiceUser.Granted(), medic().access(Path.of("/srv/shop")));
        assertTrue(askedTheKernel.isEmpty(), "the kernel is only asked when the bits say no");
    }

    @Test
    void aPrivateHomeOfAnotherUserRefusesAtTheHomeWithItsMode() {
        aSystem();
        dir("/home/alice", ALICE, ALICE, 0700);
        dir("/home/alice/app", ALICE, ALICE, 0755);
        file("/home/alice/app/docker-compose.yml", ALICE, ALICE, 0644);

        assertEquals(new ServiceUser.Denied("0700 /home/alice"), medic().access(Path.of("/home/alice/app/docker-compose.yml")));
        assertEquals(new ServiceUser.Denied("0700 /home/alice"), medic().access(Path.of("/home/alice/app")));
        assertEquals(List.of(Path.of("/home/alice/app/docker-compose.yml"), Path.of("/home/alice/app")), askedTheKernel);
    }

    @Test
    void aFileOnlyItsOwnerMayReadRefusesAtTheFile() {
        aSystem();
        dir("/srv/shop", 0, 0, 0755);
        file("/srv/shop/.env", 0, 0, 0600);

        assertEquals(new ServiceUser.Denied("0600 /srv/shop/.env"), medic().access(Path.of("/srv/shop/.env")));
    }

    @Test
    void projectsUnderRootsHomeAreRefusedAtRoot() {
        aSystem();
        dir("/root/app", 0, 0, 0755);
        file("/root/app/docker-compose.yml", 0, 0, 0644);

        assertEquals(new ServiceUser.Denied("0700 /root"), medic().access(Path.of("/root/app/docker-compose.yml")));
    }

    @Test
    void theServicesGroupsCountWithTheGroupBitsAndTheOwnerBitsWinForTheOwner() {
        aSystem();
        dir("/srv/ops", 0, DOCKER, 0750);
        file("/srv/ops/docker-compose.yml", 0, DOCKER, 0640);
        dir("/srv/mine", MEDIC, 0, 0070);
        file("/srv/mine/docker-compose.yml", 0, 0, 0644);

        assertEquals(new ServiceUser.Granted(), medic().access(Path.of("/srv/ops/docker-compose.yml")),
                "group docker (the unit's SupplementaryGroups) may enter and read");
        assertEquals(new ServiceUser.Denied("0070 /srv/mine"), medic().access(Path.of("/srv/mine/docker-compose.yml")),
                "the owner gets the owner's bits (none), not the group's, as in the kernel");
    }

    @Test
    void aDirectoryNeedsSearchNotReadAndAFileNeedsReadNotSearch() {
        aSystem();
        dir("/srv/blind", 0, 0, 0711);
        file("/srv/blind/docker-compose.yml", 0, 0, 0644);
        dir("/srv/listable", 0, 0, 0744);
        file("/srv/listable/docker-compose.yml", 0, 0, 0644);
        file("/srv/script", 0, 0, 0711);

        assertEquals(new ServiceUser.Granted(), medic().access(Path.of("/srv/blind/docker-compose.yml")));
        assertEquals(new ServiceUser.Granted(), medic().access(Path.of("/srv/blind")), "compose only changes into it");
        assertEquals(new ServiceUser.Denied("0744 /srv/listable"), medic().access(Path.of("/srv/listable/docker-compose.yml")));
        assertEquals(new ServiceUser.Denied("0711 /srv/script"), medic().access(Path.of("/srv/script")));
    }

    @Test
    void whenTheBitsSayNoTheKernelMayStillSayYesForAnAcl() {
        aSystem();
        dir("/home/alice", ALICE, ALICE, 0700);
        file("/home/alice/docker-compose.yml", ALICE, ALICE, 0600);
        kernelSays = true;

        assertEquals(new ServiceUser.Granted(), medic().access(Path.of("/home/alice/docker-compose.yml")));
    }

    @Test
    void aMissingPathIsMissingAndALinkIsFollowedToWhereItLeads() {
        aSystem();
        dir("/home/alice", ALICE, ALICE, 0700);
        file("/home/alice/docker-compose.yml", ALICE, ALICE, 0644);
        dir("/srv/shop", 0, 0, 0755);
        links.put(Path.of("/srv/shop/docker-compose.yml"), Path.of("/home/alice/docker-compose.yml"));

        assertEquals(new ServiceUser.Missing(), medic().access(Path.of("/srv/nothing/docker-compose.yml")));
        assertEquals(new ServiceUser.Denied("0700 /home/alice"), medic().access(Path.of("/srv/shop/docker-compose.yml")),
                "the link is open; where it leads is not");
    }

    @Test
    void modeBitsPickOwnerThenGroupThenOthers() {
        FileStat f = new FileStat(ALICE, DOCKER, 0604, false, false);
        assertTrue(f.allows(ALICE, Set.of(), FileStat.READ));
        assertEquals(false, f.allows(MEDIC, Set.of(DOCKER), FileStat.READ), "group bits 0: a member gets nothing");
        assertTrue(f.allows(MEDIC, Set.of(MEDIC_GROUP), FileStat.READ), "not a member: the others' bits");
        assertTrue(f.allows(0, Set.of(), FileStat.READ | FileStat.WRITE | FileStat.SEARCH), "root");
        assertEquals("0604", f.octal());
    }
}
