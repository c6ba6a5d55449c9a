//! `sfsim`: run a simulated Salesforce org.

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let handle = sfsim::SimServer::start(sfsim::SimConfig { port: 8787 }).await?;
    println!("sfsim listening on {}", handle.base_url);
    tokio::signal::ctrl_c().await?;
    handle.stop().await;
    Ok(())
}
