package io.herald.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.herald.subscription.ChannelTypes;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.vertx.core.json.JsonObject;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Herald as a FHIR client sees it: HAPI FHIR's generic client with the strict parser (an unknown
 * element, a bad code or an invalid value fails the parse), the server's CapabilityStatement read
 * strictly first. Every step a client takes must parse.
 */
class StrictClientIT {

  private static HeraldNode node;
  private static Receiver receiver;
  private static IGenericClient client;

  @BeforeAll
  static void start() {
    node = HeraldNode.start();
    receiver = new Receiver();
    FhirContext fhir = FhirContext.forR4();
    fhir.setParserErrorHandler(new StrictErrorHandler());
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.ONCE);
    client = fhir.newRestfulGenericClient(node.base);
  }

  @AfterAll
  static void stop() {
    node.close();
    receiver.close();
  }

  private static Patient patient(String family) {
    Patient p = new Patient();
    p.addName().setFamily(family).addGiven("Peter");
    p.setGender(AdministrativeGender.MALE);
    return p;
  }

  @Test
  void readsTheCapabilityStatementWithItsVersionAndCustomTypes() {
    CapabilityStatement capabilities = client.capabilities().ofType(CapabilityStatement.class).execute();
    assertEquals(System.getProperty("herald.expectedVersion"), capabilities.getSoftware().getVersion());
    assertTrue(capabilities.getRestFirstRep().getResource().stream().anyMatch(r -> r.getType().equals("Patient")));
    List<String> customTypes = new ArrayList<>();
    for (Extension e : capabilities.getRestFirstRep().getExtensionsByUrl(CapabilityStatements.CUSTOM_TYPE_EXTENSION)) {
      customTypes.add(e.getExtensionByUrl("type").getValue().primitiveValue());
    }
    assertTrue(customTypes.containsAll(List.of("DataSample", "HealthcareElement")), customTypes::toString);
  }

  @Test
  void createsReadsUpdatesWithIfMatchAndDeletes() {
    MethodOutcome created = client.create().resource(patient("Strict")).execute();
    assertTrue(created.getCreated());
    IIdType id = created.getId().toUnqualified();
    String v1 = id.getVersionIdPart();
    assertNotNull(v1);

    Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
    assertEquals("Strict", read.getNameFirstRep().getFamily());
    assertEquals(v1, read.getMeta().getVersionId());

    read.setActive(true);
    MethodOutcome updated = client.update().resource(read).withAdditionalHeader("If-Match", "W/\"" + v1 + "\"").execute();
    String v2 = updated.getId().getVersionIdPart();
    assertTrue(Long.parseLong(v2) > Long.parseLong(v1), v1 + " then " + v2);
    assertThrows(PreconditionFailedException.class,
        () -> client.update().resource(read).withAdditionalHeader("If-Match", "W/\"" + v1 + "\"").execute());

    Patient old = client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), v1).execute();
    assertFalse(old.hasActive(), "vread returns the first version");

    client.delete().resourceById("Patient", id.getIdPart()).execute();
    ResourceGoneException gone = assertThrows(ResourceGoneException.class,
        () -> client.read().resource(Patient.class).withId(id.getIdPart()).execute());
    assertNotNull(gone.getOperationOutcome(), "errors come with an OperationOutcome the client parses");
    ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class,
        () -> client.read().resource(Patient.class).withId("no-such-patient").execute());
    assertNotNull(missing.getOperationOutcome());
  }

  @Test
  void searchesPageByPageAndReadsHistoryAtEveryLevel() {
    Set<String> written = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      written.add(client.create().resource(patient("Paged")).execute().getId().getIdPart());
    }
    Bundle page = client.search().forResource(Patient.class).where(Patient.FAMILY.matches().value("Paged"))
        .count(2).returnBundle(Bundle.class).execute();
    Set<String> found = new HashSet<>();
    int pages = 0;
    while (page != null) {
      page.getEntry().forEach(e -> found.add(e.getResource().getIdElement().getIdPart()));
      pages++;
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
    }
    assertEquals(written, found);
    assertEquals(3, pages);
    Bundle none = client.search().forResource(Patient.class).where(Patient.FAMILY.matches().value("Nobody"))
        .returnBundle(Bundle.class).execute();
    assertFalse(none.hasEntry());

    String id = written.iterator().next();
    Bundle instance = client.history().onInstance(new IdType("Patient", id)).returnBundle(Bundle.class).execute();
    assertEquals(1, instance.getEntry().size());
    Bundle type = client.history().onType(Patient.class).returnBundle(Bundle.class).count(3).execute();
    assertEquals(3, type.getEntry().size());
    Bundle server = client.history().onServer().returnBundle(Bundle.class).execute();
    assertTrue(server.getEntry().size() >= 5);
  }

  @Test
  void createsReadsUpdatesSearchesAndDeletesSubscriptionsOfEveryChannel() {
    Subscription hook = new Subscription();
    hook.setStatus(SubscriptionStatus.REQUESTED).setReason("strict client").setCriteria("Patient?family=Hooked");
    hook.getChannel().setType(SubscriptionChannelType.RESTHOOK).setEndpoint(receiver.url("/hook"))
        .setPayload("application/fhir+json").addHeader("Authorization: Bearer x");
    String hookId = client.create().resource(hook).execute().getId().getIdPart();
    Subscription hookRead = client.read().resource(Subscription.class).withId(hookId).execute();
    assertEquals(SubscriptionStatus.ACTIVE, hookRead.getStatus(), "requested is activated at once");
    assertEquals(SubscriptionChannelType.RESTHOOK, hookRead.getChannel().getType());

    // poll as Aidbox clients write it: channel.type "poll", which no R4 client could parse back as it is.
    Reply aidbox = node.put("/Subscription/polled", new JsonObject().put("resourceType", "Subscription").put("id", "polled")
        .put("status", "active").put("reason", "strict client").put("criteria", "Patient?family=Polled")
        .put("channel", new JsonObject().put("type", "poll")).encode());
    assertEquals(201, aidbox.status, aidbox::toString);
    Subscription poll = client.read().resource(Subscription.class).withId("polled").execute();
    Extension channelType = poll.getChannel().getTypeElement().getExtensionByUrl(ChannelTypes.EXTENSION);
    assertEquals("poll", ((Coding) channelType.getValue()).getCode());

    // poll as an R4 client writes it: the Backport IG's extension on channel.type.
    Subscription written = new Subscription();
    written.setStatus(SubscriptionStatus.ACTIVE).setReason("strict client").setCriteria("Patient?family=Polled");
    written.getChannel().setType(SubscriptionChannelType.RESTHOOK).getTypeElement().addExtension(
        ChannelTypes.EXTENSION, new Coding(ChannelTypes.SYSTEM, "poll", null));
    String writtenId = client.create().resource(written).execute().getId().getIdPart();

    poll.setReason("updated by a strict client");
    client.update().resource(poll).execute();
    assertEquals("updated by a strict client", client.read().resource(Subscription.class).withId("polled").execute().getReason());

    Bundle polls = client.search().forResource(Subscription.class).where(Subscription.TYPE.exactly().code("poll"))
        .returnBundle(Bundle.class).execute();
    Set<String> pollIds = new HashSet<>();
    polls.getEntry().forEach(e -> pollIds.add(e.getResource().getIdElement().getIdPart()));
    assertEquals(Set.of("polled", writtenId), pollIds);

    client.create().resource(patient("Polled")).execute();
    for (String id : List.of("polled", writtenId)) {
      Bundle notified = client.operation().onInstance(new IdType("Subscription", id)).named("$poll")
          .withParameter(Parameters.class, "from", new StringType("0")).andParameter("timeout", new StringType("10"))
          .useHttpGet().returnResourceType(Bundle.class).execute();
      assertEquals(1, notified.getEntry().size(), "the poll subscription, written either way, is polled");
      assertEquals("Polled", ((Patient) notified.getEntryFirstRep().getResource()).getNameFirstRep().getFamily());
    }

    for (String id : List.of(hookId, "polled", writtenId)) {
      client.delete().resourceById("Subscription", id).execute();
      assertThrows(ResourceGoneException.class, () -> client.read().resource(Subscription.class).withId(id).execute());
    }
  }
}
