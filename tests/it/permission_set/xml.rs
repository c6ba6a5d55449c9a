//! Just enough XML for the shipped metadata: a document read into a tree of elements, refused
//! when it is not well-formed (unbalanced tags, a second root, text outside the root, an
//! undeclared entity).

use quick_xml::Reader;
use quick_xml::events::Event;

/// Why a document is not well-formed: quick-xml's error kept as it is, or one of ours.
pub(super) type NotWellFormed = Box<dyn std::error::Error + Send + Sync>;

/// An XML element as far as these files need one: its local name, its text and its children.
#[derive(Debug)]
pub(super) struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    fn new(name: &[u8]) -> Element {
        Element {
            name: String::from_utf8_lossy(name).into_owned(),
            text: String::new(),
            children: Vec::new(),
        }
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.children
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.text.as_str())
    }

    pub fn flag(&self, name: &str) -> bool {
        self.text_of(name) == Some("true")
    }
}

/// Parses a whole document into its one root element, or says why it is not well-formed.
pub(super) fn parse(xml: &str) -> Result<Element, NotWellFormed> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event()?;
        let text = match event {
            Event::Start(start) => {
                if open.is_empty() && root.is_some() {
                    return Err("a second root element".into());
                }
                open.push(Element::new(start.local_name().as_ref()));
                continue;
            }
            Event::Empty(start) => {
                close(
                    Element::new(start.local_name().as_ref()),
                    &mut open,
                    &mut root,
                )?;
                continue;
            }
            Event::End(_) => {
                let done = open.pop().ok_or("an end tag without its start")?;
                close(done, &mut open, &mut root)?;
                continue;
            }
            Event::Text(text) => text.decode()?.into_owned(),
            Event::CData(data) => data.decode()?.into_owned(),
            Event::GeneralRef(reference) => resolve(&reference.decode()?)?,
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => continue,
        };
        match open.last_mut() {
            Some(element) => element.text.push_str(&text),
            None => return Err(format!("text outside the root element: {text:?}").into()),
        }
    }
    if let Some(unclosed) = open.last() {
        return Err(format!("<{}> is never closed", unclosed.name).into());
    }
    root.ok_or_else(|| "no root element".into())
}

/// Hangs a finished element on its parent, or makes it the root.
fn close(
    done: Element,
    open: &mut [Element],
    root: &mut Option<Element>,
) -> Result<(), NotWellFormed> {
    match open.last_mut() {
        Some(parent) => parent.children.push(done),
        None if root.is_some() => return Err("a second root element".into()),
        None => *root = Some(done),
    }
    Ok(())
}

/// The five entities XML predefines; any other one is undeclared in these files.
fn resolve(entity: &str) -> Result<String, NotWellFormed> {
    let c = match entity {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        other => return Err(format!("undeclared entity &{other};").into()),
    };
    Ok(c.to_string())
}
