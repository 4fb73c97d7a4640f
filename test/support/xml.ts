/** An XML element as `parseXml` reads it: its name, its attributes (normalised, references resolved) and its children, text resolved too. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

/** XML's white space, not JavaScript's `\s` (which holds no-break spaces and more). */
const S = '[ \\t\\r\\n]';
/** A name (the ASCII ones: every name the documents tested here hold). */
const NAME = '[A-Za-z_:][A-Za-z0-9_.:-]*';
const TAG = new RegExp(`^<(/?)(${NAME})((?:${S}+${NAME}${S}*=${S}*(?:"[^"<]*"|'[^'<]*'))*)${S}*(/?)>`);
const ATTRIBUTE = new RegExp(`(${NAME})${S}*=${S}*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** A character XML 1.0 allows in no document (its `Char` production's complement). */
const NOT_A_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/**
 * Text or an attribute's value with its references resolved; an `&` that begins none is not well-formed, nor a
 * reference to a character XML does not allow (`&#1;` no more than the character itself).
 */
function resolved(raw: string, where: string): string {
  if (raw.replace(REFERENCE, '').includes('&')) throw new Error(`an & that begins no reference in ${where}: ${JSON.stringify(raw.slice(0, 80))}`);
  return raw.replace(REFERENCE, (reference) => {
    if (reference[1] !== '#') return ENTITIES[reference.slice(1, -1)]!;
    const codePoint = reference[2] === 'x' ? Number.parseInt(reference.slice(3, -1), 16) : Number.parseInt(reference.slice(2, -1), 10);
    const character = codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '';
    if (!character || NOT_A_CHAR.test(character)) throw new Error(`${reference} in ${where} refers to a character XML does not allow`);
    return character;
  });
}

/** An attribute's value as a reader gives it: each tab, line feed and carriage return written as it is a space (XML 1.0, 3.3.3), then its references resolved. */
const attributeValue = (raw: string, where: string) => resolved(raw.replace(/[\t\n\r]/g, ' '), where);

/**
 * The root element of an XML document, or an error saying where it is not well-formed: a small checker of XML 1.0's
 * rules for documents without a DTD, comments, CDATA sections or processing instructions (but an XML declaration):
 * only characters XML allows; tags that name their element, attributes quoted and each named once; every `<` a tag's,
 * every `&` a reference's; elements nested, closed in order; one root, nothing but white space outside it.
 */
export function parseXml(document: string): XmlElement {
  const forbidden = NOT_A_CHAR.exec(document);
  if (forbidden) throw new Error(`a character XML does not allow, U+${forbidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, at ${forbidden.index}`);
  const top: XmlElement = { name: '', attributes: {}, children: [] };
  const open = [top];
  // A reader's first step (XML 1.0, 2.11): each line break, \r\n or a lone \r, a line feed.
  let rest = document.replace(/^<\?xml version="1\.0"(?: encoding="UTF-8")?\?>/, '').replace(/\r\n?/g, '\n');
  while (rest) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (text.includes(']]>')) throw new Error(`]]> in text: ${JSON.stringify(text.slice(0, 80))}`);
    if (open.length === 1 && !/^[ \t\r\n]*$/.test(text)) throw new Error(`text outside the root element: ${JSON.stringify(text.slice(0, 80))}`);
    if (open.length > 1 && text) open.at(-1)!.children.push(resolved(text, `<${open.at(-1)!.name}>`));
    if (lt === -1) break;
    rest = rest.slice(lt);
    const tag = TAG.exec(rest);
    if (!tag) throw new Error(`a < that begins no tag: ${JSON.stringify(rest.slice(0, 80))}`);
    rest = rest.slice(tag[0].length);
    const [, closing, name, attributeText, empty] = tag as unknown as [string, string, string, string, string];
    if (closing) {
      if (attributeText || empty) throw new Error(`an end tag with more than its name: ${tag[0]}`);
      if (open.length === 1 || open.at(-1)!.name !== name) throw new Error(`</${name}> closes ${open.length === 1 ? 'nothing' : `<${open.at(-1)!.name}>`}`);
      open.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, attribute, double, single] of attributeText.matchAll(ATTRIBUTE)) {
      if (Object.hasOwn(attributes, attribute!)) throw new Error(`${attribute} twice in <${name}>`);
      attributes[attribute!] = attributeValue(double ?? single ?? '', `${name}'s ${attribute}`);
    }
    if (open.length === 1 && top.children.length) throw new Error(`a second root element, <${name}>`);
    const element: XmlElement = { name, attributes, children: [] };
    open.at(-1)!.children.push(element);
    if (!empty) open.push(element);
  }
  if (open.length > 1) throw new Error(`<${open.at(-1)!.name}> is not closed`);
  if (!top.children.length) throw new Error('no root element');
  return top.children[0] as XmlElement;
}

/** The elements among `element`'s children named `name`. */
export const childrenNamed = (element: XmlElement, name: string): XmlElement[] => element.children.filter((child): child is XmlElement => typeof child !== 'string' && child.name === name);
