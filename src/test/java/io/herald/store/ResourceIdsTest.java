package io.herald.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceIdsTest {

  @Test
  void idsAreVersion7UuidsThatFhirAccepts() {
    for (int i = 0; i < 1000; i++) {
      String id = ResourceIds.next();
      UUID uuid = UUID.fromString(id);
      assertEquals(7, uuid.version(), id);
      assertEquals(2, uuid.variant(), id);
      assertTrue(id.matches("[A-Za-z0-9\\-.]{1,64}"), id);
    }
  }

  @Test
  void idsMadeLaterSortAfterWhateverTheirRandomBits() {
    List<String> ids = new ArrayList<>();
    long[] randoms = {0, -1, 0x5555_5555_5555_5555L, 0xAAAA_AAAA_AAAA_AAAAL};
    for (long millis = 1_700_000_000_000L; millis < 1_700_000_000_010L; millis++) {
      for (long r : randoms) {
        ids.add(ResourceIds.at(millis, r, r));
      }
    }
    for (int i = 4; i < ids.size(); i++) {
      String earlier = ids.get(i - 4 - (i % 4));
      assertTrue(earlier.compareTo(ids.get(i)) < 0, earlier + " before " + ids.get(i));
    }
  }

  @Test
  void idsDoNotRepeat() {
    HashSet<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertTrue(seen.add(ResourceIds.next()));
    }
  }
}
