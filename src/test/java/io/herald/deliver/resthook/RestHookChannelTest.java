package io.herald.deliver.resthook;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a rest-hook with a payload sends a resource: appended to the endpoint's path, its query kept. */
class RestHookChannelTest {

  @Test
  void theResourceIsAppendedToThePathAndTheQueryStaysAfterIt() {
    assertEquals("http://h/hook/Patient/1", RestHookChannel.resourceUrl("http://h/hook", "Patient/1"));
    assertEquals("http://h/hook/Patient/1", RestHookChannel.resourceUrl("http://h/hook/", "Patient/1"));
    assertEquals("http://h/Patient/1", RestHookChannel.resourceUrl("http://h", "Patient/1"));
    assertEquals("http://h/hook/Patient/1?token=a%2Fb&x=1",
        RestHookChannel.resourceUrl("http://h/hook?token=a%2Fb&x=1", "Patient/1"));
    assertEquals("https://h:8443/fhir/Patient/1?k=v", RestHookChannel.resourceUrl("https://h:8443/fhir/?k=v", "Patient/1"));
  }
}
