package io.herald.criteria;

/** FHIR search parameter types. Composite and special parameters are known but cannot be evaluated. */
public enum ParamType {
  STRING, TOKEN, DATE, NUMBER, QUANTITY, REFERENCE, URI, COMPOSITE, SPECIAL;

  public boolean evaluable() {
    return this != COMPOSITE && this != SPECIAL;
  }
}
