//! The only module that names `aws_sdk_ecr`. Every function takes an
//! [`EcrClient`], pages fully at ECR's maxima, chunks batches, passes the
//! registry id for cross-account registries, and returns model types or an
//! [`EcrError`].

mod admin;
mod blobs;
mod client;
mod convert;
mod error;
mod images;
mod layers;
mod lifecycle;
mod paging;
pub mod part_progress;
mod pull_through;
mod rate_gate;
mod referrers;
pub use rate_gate::{RateGate, RateGates};
pub mod endpoints;
mod registry;
mod repositories;
mod scanning;
mod secrets;
mod signing;
mod tags;
mod templates;
pub mod trust;

pub use admin::{
    delete_registry_policy, deregister_pull_time_update_exclusion,
    describe_image_replication_status, get_account_setting, get_registry_policy,
    list_pull_time_update_exclusions, put_account_setting, put_registry_policy,
    put_replication_configuration, register_pull_time_update_exclusion,
};
pub use blobs::{BlobStream, MAX_BLOB, download_blob, open_blob};
pub use client::{ClientOptions, EcrClient, StaticCredentials};
pub use error::{EcrError, ErrorContext, from_code};
pub use images::{
    ImageDetail, batch_delete_images, batch_get_manifests, describe_images, describe_images_by_id,
    describe_images_page, find_images, get_download_url_for_layer, list_image_ids, put_image,
    retag_image, update_image_storage_class,
};
pub use layers::{
    MAX_PART, Upload, batch_check_layer_availability, complete_layer_upload, initiate_layer_upload,
    upload_layer_part,
};
pub use lifecycle::{
    delete_lifecycle_policy, get_lifecycle_policy, get_lifecycle_policy_preview,
    put_lifecycle_policy, start_lifecycle_policy_preview,
};
pub use paging::{MAX_PAGES, Paging};
pub use pull_through::{
    create_pull_through_cache_rule, delete_pull_through_cache_rule,
    describe_pull_through_cache_rules, update_pull_through_cache_rule,
    validate_pull_through_cache_rule,
};
pub use referrers::{REFERRERS_PAGE, list_image_referrers};
pub use registry::{
    delete_repository_policy, describe_registry, get_authorization_token, get_repository_policy,
    set_repository_policy,
};
pub use repositories::{
    create_repository, delete_repository, describe_repositories, describe_repositories_page,
    describe_repository, put_image_scanning_configuration, put_image_tag_mutability,
};
pub use scanning::{
    batch_get_repository_scanning_configuration, describe_image_scan_findings,
    describe_image_scan_findings_summary, get_registry_scanning_configuration,
    put_registry_scanning_configuration, start_image_scan,
};
pub use secrets::{SECRET_PREFIX, create_pull_through_secret, list_pull_through_secrets};
pub use signing::{
    delete_signing_configuration, describe_image_signing_status, get_signing_configuration,
    put_signing_configuration,
};
pub use tags::{list_tags_for_resource, tag_resource, untag_resource};
pub use templates::{
    create_repository_creation_template, delete_repository_creation_template,
    describe_repository_creation_templates, update_repository_creation_template,
};

/// DescribeRepositories / DescribeImages / ListImages / basic findings /
/// pull-through rules: ECR's largest page.
pub const MAX_PAGE: i32 = 1000;
/// Enhanced findings and lifecycle preview pages are capped lower.
pub const MAX_PAGE_SMALL: i32 = 100;
/// BatchGetImage / BatchDeleteImage / DescribeImages by id.
pub const MAX_BATCH: usize = 100;
/// BatchGetRepositoryScanningConfiguration.
pub const MAX_SCAN_CONFIG_BATCH: usize = 25;
