package io.herald.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * HAPI FHIR's R4 instance validator over the R4 core definitions, as a referee of what Herald
 * sends: loaded once per test JVM (it takes seconds), then shared.
 *
 * <p>Custom types such as {@code DataSample} are not R4 resources, so no R4 validator can judge
 * one whole. What FHIR does define of them is checked: each is judged as a {@code Basic} resource
 * carrying its {@code id}, {@code meta} and extensions (its own fields are set aside), both alone and
 * in place of it inside a Bundle, so its id, versionId, lastUpdated, tags and profiles, and the
 * Bundle around it, are held to R4.
 */
public final class FhirReferee {

  private static FhirReferee instance;

  private final FhirContext fhir;
  private final FhirValidator validator;
  private final Set<String> r4Types;

  private FhirReferee() {
    fhir = FhirContext.forR4Cached();
    ValidationSupportChain support = new ValidationSupportChain(
        new DefaultProfileValidationSupport(fhir),
        new CommonCodeSystemsTerminologyService(fhir),
        new InMemoryTerminologyServerValidationSupport(fhir),
        new SnapshotGeneratingValidationSupport(fhir));
    validator = fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(support));
    r4Types = fhir.getResourceTypes();
  }

  public static synchronized FhirReferee get() {
    if (instance == null) {
      instance = new FhirReferee();
    }
    return instance;
  }

  public FhirContext fhir() {
    return fhir;
  }

  /**
   * The validator's errors (and fatal errors) on one resource, each as "location: message".
   *
   * <p>One rule is not applied to history Bundles: that a plain reference ({@code Patient/1}) must match one
   * entry. A history Bundle holds several versions of one resource under one fullUrl by definition (bdl-7
   * exempts it), so another entry's reference to that resource has several candidates; the validator reports
   * that whatever the Bundle's type. In its place the referee checks what makes the candidates legitimate:
   * no two entries of a history Bundle are the same version (fullUrl and ETag) of one resource.
   */
  public List<String> errors(JsonObject resource) {
    boolean history = "Bundle".equals(resource.getString("resourceType")) && "history".equals(resource.getString("type"));
    List<String> errors = new ArrayList<>();
    if (history) {
      Set<String> versions = new HashSet<>();
      JsonArray entries = resource.getJsonArray("entry", new JsonArray());
      for (int i = 0; i < entries.size(); i++) {
        JsonObject entry = entries.getJsonObject(i);
        String version = entry.getString("fullUrl") + " " + entry.getJsonObject("response", new JsonObject()).getString("etag");
        if (!versions.add(version)) {
          errors.add("Bundle.entry[" + i + "]: a second entry for the same version, " + version);
        }
      }
    }
    for (SingleValidationMessage m : validator.validateWithResult(asR4(resource).encode()).getMessages()) {
      if (history && m.getMessage().startsWith("Multiple matches in bundle for reference")) {
        continue;
      }
      if (m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()) {
        errors.add(m.getLocationString() + ": " + m.getMessage());
      }
    }
    return errors;
  }

  /** The validator's warnings on one resource, each as "location: message". */
  public List<String> warnings(JsonObject resource) {
    List<String> warnings = new ArrayList<>();
    for (SingleValidationMessage m : validator.validateWithResult(asR4(resource).encode()).getMessages()) {
      if (m.getSeverity() == ResultSeverityEnum.WARNING) {
        warnings.add(m.getLocationString() + ": " + m.getMessage());
      }
    }
    return warnings;
  }

  public boolean isR4Type(String type) {
    return r4Types.contains(type);
  }

  /** The resource as R4 can judge it: custom types, at the top or in Bundle entries, as their Basic stand-ins. */
  private JsonObject asR4(JsonObject resource) {
    String type = resource.getString("resourceType");
    if (type != null && !isR4Type(type)) {
      return standIn(resource);
    }
    if ("Bundle".equals(type) && resource.getJsonArray("entry") != null) {
      JsonObject copy = resource.copy();
      JsonArray entries = copy.getJsonArray("entry");
      for (int i = 0; i < entries.size(); i++) {
        JsonObject entry = entries.getJsonObject(i);
        JsonObject inner = entry.getJsonObject("resource");
        if (inner != null) {
          entry.put("resource", asR4(inner));
        }
      }
      return copy;
    }
    return resource;
  }

  private static JsonObject standIn(JsonObject custom) {
    JsonObject basic = new JsonObject().put("resourceType", "Basic");
    for (String field : List.of("id", "meta", "extension", "modifierExtension")) {
      if (custom.containsKey(field)) {
        basic.put(field, custom.getValue(field));
      }
    }
    return basic.put("code", new JsonObject().put("text", custom.getString("resourceType")));
  }
}
