//! The Secrets Manager calls a pull-through rule's credential needs
//! (Secrets Manager API reference: ListSecrets with a `name` filter,
//! CreateSecret, DescribeSecret), served at the demo's endpoint as
//! Secrets Manager's JSON 1.1 protocol. Secret ARNs end in `-` and six
//! random characters, as Secrets Manager makes them.

use super::*;

/// One secret; the value is kept for a test to read, never answered.
#[derive(Clone, Debug)]
pub struct DemoSecret {
    pub name: String,
    pub arn: String,
    pub value: String,
    pub created: f64,
}

impl Store {
    fn secret_arn(&self, name: &str) -> String {
        // Six characters from the name's digest: stable for a name.
        let d = Digest::of_bytes(name.as_bytes()).hex();
        format!(
            "arn:aws:secretsmanager:{}:{}:secret:{name}-{}",
            self.region,
            self.account,
            &d[..6]
        )
    }

    pub(super) fn create_secret(&mut self, v: &Value) -> Answer {
        let name = s(v, "Name").ok_or_else(|| invalid("'Name' is required"))?;
        if name.is_empty()
            || name.len() > 512
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c))
        {
            return Err(err("ValidationException", format!("Invalid name '{name}'")));
        }
        if self.secrets.iter().any(|x| x.name == name) {
            return Err(err(
                "ResourceExistsException",
                format!("The operation failed because the secret {name} already exists."),
            ));
        }
        let value = s(v, "SecretString").unwrap_or_default().to_owned();
        let arn = self.secret_arn(name);
        self.secrets.push(DemoSecret {
            name: name.to_owned(),
            arn: arn.clone(),
            value,
            created: now(),
        });
        Ok(json!({"ARN": arn, "Name": name, "VersionId": "demo-v1"}))
    }

    pub(super) fn list_secrets(&self, v: &Value) -> Answer {
        let prefixes: Vec<&str> = v
            .get("Filters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|f| s(f, "Key") == Some("name"))
            .flat_map(|f| {
                f.get("Values")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .filter_map(Value::as_str)
            .collect();
        let list: Vec<Value> = self
            .secrets
            .iter()
            .filter(|x| prefixes.is_empty() || prefixes.iter().any(|p| x.name.starts_with(p)))
            .map(|x| json!({"ARN": x.arn, "Name": x.name, "CreatedDate": x.created}))
            .collect();
        Ok(json!({"SecretList": list}))
    }

    pub(super) fn describe_secret(&self, v: &Value) -> Answer {
        let id = s(v, "SecretId").ok_or_else(|| invalid("'SecretId' is required"))?;
        let x = self
            .secrets
            .iter()
            .find(|x| x.name == id || x.arn == id)
            .ok_or_else(|| {
                err(
                    "ResourceNotFoundException",
                    "Secrets Manager can't find the specified secret.",
                )
            })?;
        Ok(json!({"ARN": x.arn, "Name": x.name, "CreatedDate": x.created}))
    }
}
