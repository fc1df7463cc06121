package io.herald.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScopesTest {

  @Test
  void v2LettersGrantTheirInteractionsOnTheirTypeOnly() {
    Scopes scopes = Scopes.parse("system/Observation.rs system/Patient.c");
    assertTrue(scopes.allows("Observation", 'r'));
    assertTrue(scopes.allows("Observation", 's'));
    assertFalse(scopes.allows("Observation", 'c'));
    assertTrue(scopes.allows("Patient", 'c'));
    assertFalse(scopes.allows("Patient", 'r'));
    assertFalse(scopes.allows("Encounter", 'r'));
    assertFalse(scopes.allows("*", 'r'), "a type's scope is not every type's");
    assertFalse(scopes.admin());
  }

  @Test
  void theWildcardTypeAndV1SpellingsGrantAsV2Does() {
    Scopes all = Scopes.parse("user/*.cruds");
    for (char c : "cruds".toCharArray()) {
      assertTrue(all.allows("Anything", c));
      assertTrue(all.allows("*", c));
    }
    Scopes v1 = Scopes.parse("system/Observation.read system/Patient.write system/Encounter.*");
    assertTrue(v1.allows("Observation", 's'));
    assertFalse(v1.allows("Observation", 'u'));
    assertTrue(v1.allows("Patient", 'd'));
    assertFalse(v1.allows("Patient", 'r'));
    assertTrue(v1.allows("Encounter", 'u'));
  }

  @Test
  void whatHeraldCannotEnforceIsRefusedNamingTheScope() {
    for (String bad : new String[] {"system/Patient.sr", "system/Patient.x", "patient/Observation.cruds",
        "system/Observation.cruds?category=vital-signs", "system/*.rs?category=vital-signs", "system/Observation.rs?category",
        "system/Observation.rs?a=1&&b=2", "openid", "system/patient lowercase.rs"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scopes.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad.split(" ")[0]), e.getMessage());
    }
  }

  @Test
  void subscriptionsHearOfWhatTheirClientMayReadAndOfSubscriptionsOnlyAsAdmin() {
    Scopes reader = Scopes.parse("system/*.rs");
    assertTrue(reader.mayHear("Patient"));
    assertFalse(reader.mayHear("Subscription"), "other clients' endpoints and headers");
    assertFalse(Scopes.parse("system/Patient.s").mayHear("Patient"));
    assertTrue(Scopes.parse(Scopes.ADMIN).mayHear("Subscription"));
  }

  @Test
  void aTokenMayAskForLessThanItsClientHasButNeverMore() {
    Scopes client = Scopes.parse("system/*.rs system/Observation.cruds");
    assertTrue(client.includes(Scopes.parse("system/Patient.r")));
    assertTrue(client.includes(Scopes.parse("system/Observation.cu system/Encounter.s")));
    assertFalse(client.includes(Scopes.parse("system/Patient.c")));
    assertFalse(client.includes(Scopes.parse("system/*.cruds")));
    assertFalse(client.includes(Scopes.parse(Scopes.ADMIN)));
    assertTrue(Scopes.parse(Scopes.ADMIN + " system/*.cruds").includes(Scopes.parse(Scopes.ADMIN)));
    assertEquals("system/Patient.r", Scopes.parse("system/Patient.r  system/Patient.r").toString());
  }

  @Test
  void aRestrictedScopeIsAQueryToAndWithAndGrantsOnlyWhatItSays() {
    Scopes scopes = Scopes.parse("system/Observation.rs?category=vital-signs system/Patient.r");
    assertEquals("category=vital-signs", scopes.restriction("Observation", 's'));
    assertEquals("", scopes.restriction("Patient", 'r'));
    assertNull(scopes.restriction("Patient", 's'));
    assertNull(scopes.restriction("Encounter", 'r'));
    assertEquals("", Scopes.parse("system/Observation.rs?code=x system/Observation.r").restriction("Observation", 'r'),
        "an unrestricted scope of the type grants every resource of it");
    assertEquals("category=vital-signs,laboratory", Scopes.parse("system/Observation.rs?category=vital-signs"
        + " system/Observation.rs?category=laboratory").restriction("Observation", 's'), "one parameter: its values ORed");
    assertEquals("category=vital-signs&code=x", Scopes.parse("system/Observation.rs?category=vital-signs"
        + " system/Observation.rs?code=x").restriction("Observation", 's'), "different parameters: ANDed, never wider");
  }

  @Test
  void patientLevelScopesOpenThePatientsCompartmentOnly() {
    Scopes scopes = Scopes.parse("patient/Observation.rs patient/Patient.r patient/Encounter.s?status=finished", "p1");
    assertEquals("patient=Patient/p1", scopes.restriction("Observation", 'r'));
    assertEquals("_id=p1", scopes.restriction("Patient", 'r'));
    assertEquals("patient=Patient/p1&status=finished", scopes.restriction("Encounter", 's'));
    assertNull(scopes.restriction("Encounter", 'r'));
    assertTrue(scopes.patientLevel());
    assertFalse(Scopes.parse("patient/Observation.rs").allows("Observation", 'r'), "no patient: nothing is granted");
    assertThrows(IllegalArgumentException.class, () -> Scopes.parse("patient/Observation.rs", "a/b"));
  }

  @Test
  void aTokenOfARestrictedClientCannotDropTheRestriction() {
    Scopes client = Scopes.parse("system/Observation.rs?category=vital-signs");
    assertTrue(client.includes(Scopes.parse("system/Observation.r?category=vital-signs")));
    assertFalse(client.includes(Scopes.parse("system/Observation.r")));
    assertFalse(client.includes(Scopes.parse("system/Observation.r?category=laboratory")));
    assertFalse(Scopes.parse("patient/*.rs", "p1").includes(Scopes.parse("system/Observation.r")));
    assertTrue(Scopes.parse("system/*.rs").includes(Scopes.parse("system/Observation.r?category=laboratory")));
  }
}
