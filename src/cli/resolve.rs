//! The image a reference names, read from its repository (DescribeImages by
//! id: no pull is recorded). Shared by copy, export and findings.

use crate::ecr::{self, EcrClient};
use crate::model::{EcrError, Image, ImageId};

use super::exit::Failure;
use super::reference::{ImageRef, Pick};

pub async fn image(c: &EcrClient, r: &ImageRef) -> Result<Image, Failure> {
    let id = match &r.pick {
        Some(Pick::Tag(t)) => ImageId::Tag(t.clone()),
        Some(Pick::Digest(d)) => ImageId::Digest(*d),
        None => {
            return Err(Failure::usage(format!(
                "'{r}' names no image: add :tag or @sha256:<digest>."
            )));
        }
    };
    let found = ecr::find_images(c, &r.repository, std::slice::from_ref(&id)).await?;
    found.into_iter().next().ok_or_else(|| {
        EcrError::NotFound {
            what: format!("The image '{r}'"),
        }
        .into()
    })
}
