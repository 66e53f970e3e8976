// bpmnlint's recommended rules, packed for the browser (what bpmnlint-pack-config generates): a resolver that
// returns the imported rule modules. Left out: no-overlapping-elements (shipped diagrams draw tasks across lane
// borders) and fake-join (work_assignment loops back into a task on purpose); label-required, global and
// superfluous-label are not in the recommended set we copy from either.
import adHocSubProcess from "bpmnlint/rules/ad-hoc-sub-process.js";
import conditionalFlows from "bpmnlint/rules/conditional-flows.js";
import endEventRequired from "bpmnlint/rules/end-event-required.js";
import eventBasedGateway from "bpmnlint/rules/event-based-gateway.js";
import eventSubProcessTypedStartEvent from "bpmnlint/rules/event-sub-process-typed-start-event.js";
import linkEvent from "bpmnlint/rules/link-event.js";
import noBpmndi from "bpmnlint/rules/no-bpmndi.js";
import noComplexGateway from "bpmnlint/rules/no-complex-gateway.js";
import noDisconnected from "bpmnlint/rules/no-disconnected.js";
import noDuplicateSequenceFlows from "bpmnlint/rules/no-duplicate-sequence-flows.js";
import noImplicitEnd from "bpmnlint/rules/no-implicit-end.js";
import noImplicitSplit from "bpmnlint/rules/no-implicit-split.js";
import noImplicitStart from "bpmnlint/rules/no-implicit-start.js";
import noInclusiveGateway from "bpmnlint/rules/no-inclusive-gateway.js";
import singleBlankStartEvent from "bpmnlint/rules/single-blank-start-event.js";
import singleEventDefinition from "bpmnlint/rules/single-event-definition.js";
import startEventRequired from "bpmnlint/rules/start-event-required.js";
import subProcessBlankStartEvent from "bpmnlint/rules/sub-process-blank-start-event.js";
import superfluousGateway from "bpmnlint/rules/superfluous-gateway.js";
import superfluousTermination from "bpmnlint/rules/superfluous-termination.js";

export const RULES = {
  "ad-hoc-sub-process": ["error", adHocSubProcess],
  "conditional-flows": ["error", conditionalFlows],
  "end-event-required": ["error", endEventRequired],
  "event-based-gateway": ["error", eventBasedGateway],
  "event-sub-process-typed-start-event": ["error", eventSubProcessTypedStartEvent],
  "link-event": ["error", linkEvent],
  "no-bpmndi": ["error", noBpmndi],
  "no-complex-gateway": ["error", noComplexGateway],
  "no-disconnected": ["error", noDisconnected],
  "no-duplicate-sequence-flows": ["error", noDuplicateSequenceFlows],
  "no-implicit-end": ["error", noImplicitEnd],
  "no-implicit-split": ["error", noImplicitSplit],
  "no-implicit-start": ["error", noImplicitStart],
  "no-inclusive-gateway": ["warn", noInclusiveGateway],
  "single-blank-start-event": ["error", singleBlankStartEvent],
  "single-event-definition": ["error", singleEventDefinition],
  "start-event-required": ["error", startEventRequired],
  "sub-process-blank-start-event": ["error", subProcessBlankStartEvent],
  "superfluous-gateway": ["warn", superfluousGateway],
  "superfluous-termination": ["warn", superfluousTermination],
};

const cache = {};
const rules = {};
for (const [name, [level, rule]] of Object.entries(RULES)) {
  cache[`bpmnlint/${name}`] = rule;
  rules[name] = level;
}

export const resolver = {
  resolveRule(pkg, ruleName) {
    const rule = cache[`${pkg}/${ruleName}`];
    if (!rule) throw new Error(`cannot resolve rule <${pkg}/${ruleName}>`);
    return rule;
  },
  resolveConfig(pkg, configName) {
    throw new Error(`cannot resolve config <${configName}> in <${pkg}>`);
  },
};

export default { resolver, config: { rules } };
