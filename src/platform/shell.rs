//! Shell quoting for the commands the app offers to copy. Profile names,
//! regions, endpoints and repository names come from files and servers:
//! pasted into a terminal they must stay one word and run nothing.

/// `s` as one POSIX shell word: unchanged when it is made of characters no
/// shell treats specially, else in single quotes (a `'` inside becomes `'\''`).
pub fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '_' | '-' | '.' | '/' | ':' | '@' | '%' | '+' | '=' | ',')
        });
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_and_the_rest_is_quoted() {
        assert_eq!(quote("us-east-1"), "us-east-1");
        assert_eq!(quote("http://127.0.0.1:5000"), "http://127.0.0.1:5000");
        assert_eq!(quote("my profile"), "'my profile'");
        assert_eq!(quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a;b|c&d`e`"), "'a;b|c&d`e`'");
    }
}
