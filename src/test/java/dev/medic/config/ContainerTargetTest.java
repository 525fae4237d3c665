package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medic.core.HealthPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerTargetTest {
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
            Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
    private static final String ID = "db3f0c2a9e815d7c4b6a5d7c4b6a5d7c4b6a5d7c4b6a5d7c4b6a5d7c4b6a1234";

    private static ContainerTarget bound(String container) {
        return new ContainerTarget("t", container, POLICY, Duration.ofSeconds(1), List.of(), DockerHealthMode.AUTO,
                Optional.empty(), false);
    }

    @ParameterizedTest(name = "container = \"{0}\" vs name {1}, id {2} -> {3}")
    @CsvSource({
        // the exact name, whatever the id
        "db,            db,          " + ID + ", true",
        "/db,           db,          " + ID + ", true",
        "db,            /db,         " + ID + ", true",
        // a short value that prefixes the id is a name, never an id
        "db,            shop_cache_1," + ID + ", false",
        "db3f,          shop_cache_1," + ID + ", false",
        "db3f0c2a9e8,   shop_cache_1," + ID + ", false",
        // Docker's short id and longer prefixes, and the full id
        "db3f0c2a9e81,  shop_cache_1," + ID + ", true",
        "db3f0c2a9e815d7c, shop_cache_1," + ID + ", true",
        ID + ",         shop_cache_1," + ID + ", true",
        // long enough but not an id prefix, or not lowercase hex
        "db3f0c2a9e82,  shop_cache_1," + ID + ", false",
        "DB3F0C2A9E81,  shop_cache_1," + ID + ", false",
        // a name is not a prefix of a longer name
        "shop_api,      shop_api_1,  " + ID + ", false",
    })
    void matchesOnlyTheExactNameTheIdOrAnIdPrefixOfAtLeastTwelveCharacters(String configured, String name,
                                                                           String id, boolean expected) {
        assertEquals(expected, bound(configured).matches(name, id));
    }

    @ParameterizedTest(name = "name {0}, id {1}")
    @CsvSource(value = {"NULL, NULL", "'', ''", "NULL, ''"}, nullValues = "NULL")
    void anUnknownNameOrIdMatchesNothing(String name, String id) {
        assertEquals(false, bound("db").matches(name, id));
    }
}
