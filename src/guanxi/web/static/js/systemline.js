// A group's system line ("Mei added Lei", "Tao left") worded in the chosen language from the
// data the server keeps (`message.system`); an import's system entry keeps its own text.

import { nameOf } from "./state.js";
import { t } from "./i18n.js";

const SWITCHED = new Set(["announcement", "admin"]); // said differently when taken away

export function systemText(message) {
  const line = message.system;
  if (!line) return message.text;
  const who = (line.who || []).map(nameOf).join(t("common.listSeparator"));
  const values = { by: nameOf(line.by), who, name: line.name };
  if (SWITCHED.has(line.type)) return t(`system.${line.type}${line.on ? "On" : "Off"}`, values);
  return t(`system.${line.type}`, values);
}
