//! The man page: the top-level page clap_mangen makes, followed by one
//! section per subcommand (its synopsis, description, options and exit
//! codes), so `man ecrscope` documents every command in one page, as the
//! .deb installs it.

/// The whole page for `cmd` (the binary's clap command).
pub fn render(cmd: &clap::Command) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut page = Vec::new();
        let full = sub
            .clone()
            .bin_name(format!("{} {}", cmd.get_name(), sub.get_name()));
        clap_mangen::Man::new(full).render(&mut page)?;
        let page = String::from_utf8_lossy(&page);
        out.extend_from_slice(
            format!(
                ".SH \"{} {}\"\n",
                cmd.get_name().to_uppercase(),
                sub.get_name().to_uppercase()
            )
            .as_bytes(),
        );
        out.extend_from_slice(as_subsection(&page).as_bytes());
    }
    Ok(out)
}

/// A subcommand's own page as part of the main one: no title, no NAME
/// section (the heading says it), its sections made subsections.
fn as_subsection(page: &str) -> String {
    let mut out = String::new();
    let mut in_name = false;
    for line in page.lines() {
        if line.starts_with(".TH ") || line.starts_with(".ie ") || line.starts_with(".el ") {
            continue;
        }
        if let Some(h) = line.strip_prefix(".SH ") {
            in_name = h.trim_matches('"') == "NAME";
            if !in_name {
                out.push_str(&format!(".SS {h}\n"));
            }
            continue;
        }
        if !in_name {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subcommand_page_becomes_subsections() {
        let page = ".TH x 1\n.SH NAME\nx\\-copy \\- Copy\n.SH SYNOPSIS\n\\fBx copy\\fR\n.SH OPTIONS\n.TP\n\\-\\-all\\-tags\n";
        assert_eq!(
            as_subsection(page),
            ".SS SYNOPSIS\n\\fBx copy\\fR\n.SS OPTIONS\n.TP\n\\-\\-all\\-tags\n"
        );
    }
}
